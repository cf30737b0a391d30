package sentencepiece

import (
	"fmt"
	"math"
)

// unkPenalty is subtracted from the lowest piece score to score an unknown
// character (kUnkPenalty in the C++ library).
const unkPenalty = 10.0

// unigram segments with a unigram language model: the best-scoring path
// through the lattice of vocabulary pieces, computed on the fly as the C++
// library's optimized encoder does (same order of candidates, same float
// arithmetic, so ties break the same way).
type unigram struct {
	trie     *trie
	scores   []float64 // per id, as the C++ encoder computes it
	unkID    int32
	unkScore float32
	maxScore float32
}

// bestPath is the best path that ends at one byte position.
type bestPath struct {
	score    float32
	startsAt int32 // where its last piece starts; -1 when no path ends here
	id       int32 // its last piece
}

func newUnigram(m *Model) (*unigram, error) {
	u := &unigram{
		scores: make([]float64, len(m.pieces)),
		unkID:  m.unkRaw,
	}
	// The C++ library starts the maximum at FLT_MIN, the smallest positive
	// normal float, not at the most negative one: with all scores negative,
	// user-defined symbols score about -0.1.
	minScore, maxScore := float32(math.MaxFloat32), float32(0x1p-126)
	var entries []trieEntry
	for i, p := range m.pieces {
		switch p.typ {
		case Normal:
			minScore = min(minScore, p.score)
			maxScore = max(maxScore, p.score)
			entries = append(entries, trieEntry{p.text, int32(i)})
		case UserDefined:
			entries = append(entries, trieEntry{p.text, int32(i)})
		}
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("no pieces to segment with")
	}
	t, err := buildTrie(entries)
	if err != nil {
		return nil, err
	}
	u.trie = t
	u.unkScore = minScore - unkPenalty
	u.maxScore = maxScore
	for i, p := range m.pieces {
		u.scores[i] = float64(p.score)
		if p.typ == UserDefined {
			// A bonus so that user-defined symbols are always chosen. The
			// match length is the piece's length in bytes.
			u.scores[i] = float64(float32(len(p.text))*maxScore) - 0.1
		}
	}
	return u, nil
}

func (u *unigram) segment(sc *scratch, norm string) {
	size := len(norm)
	if cap(sc.best) < size+1 {
		sc.best = make([]bestPath, size+1)
	}
	best := sc.best[:size+1]
	for i := range best {
		best[i] = bestPath{startsAt: -1}
	}
	nodes := u.trie.nodes
	for startsAt := 0; startsAt < size; {
		here := best[startsAt].score
		mblen := clippedCharLen(norm[startsAt], size-startsAt)
		hasSingle := false
		s := int32(0)
		for k := startsAt; k < size; k++ {
			next := nodes[s].base + int32(norm[k])
			if uint(next) >= uint(len(nodes)) || nodes[next].check != s {
				break
			}
			s = next
			id := nodes[s].value
			if id < 0 {
				continue
			}
			// C++ computes the candidate in double precision (the score
			// is a double there) and stores it back as a float.
			length := k + 1 - startsAt
			target := &best[k+1]
			cand := u.scores[id] + float64(here)
			if target.startsAt == -1 || cand > float64(target.score) {
				*target = bestPath{score: float32(cand), startsAt: int32(startsAt), id: id}
			}
			if length == mblen {
				hasSingle = true
			}
		}
		if !hasSingle {
			target := &best[startsAt+mblen]
			cand := u.unkScore + here
			if target.startsAt == -1 || cand > target.score {
				*target = bestPath{score: cand, startsAt: int32(startsAt), id: u.unkID}
			}
		}
		startsAt += mblen
	}
	// Backtrack, then reverse the pieces in place.
	first := len(sc.spans)
	for end := size; end > 0; {
		b := best[end]
		sc.spans = append(sc.spans, span{begin: b.startsAt, end: int32(end), id: b.id})
		end = int(b.startsAt)
	}
	for i, j := first, len(sc.spans)-1; i < j; i, j = i+1, j-1 {
		sc.spans[i], sc.spans[j] = sc.spans[j], sc.spans[i]
	}
}
