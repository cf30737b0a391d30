package sentencepiece

import (
	"fmt"
	"math"

	"github.com/mlpipe/pipeline/stages/tokenize/internal/unigram"
)

// unkPenalty is subtracted from the lowest piece score to score an unknown
// character (kUnkPenalty in the C++ library).
const unkPenalty = 10.0

// unigramSegmenter segments with a unigram language model: the best-scoring
// path through the lattice of vocabulary pieces, computed as the C++
// library's optimized encoder does (same order of candidates, same float
// arithmetic, so ties break the same way).
type unigramSegmenter struct {
	lattice *unigram.Lattice
}

func newUnigram(m *Model) (*unigramSegmenter, error) {
	scores := make([]float64, len(m.pieces))
	// The C++ library starts the maximum at FLT_MIN, the smallest positive
	// normal float, not at the most negative one: with all scores negative,
	// user-defined symbols score about -0.1.
	minScore, maxScore := float32(math.MaxFloat32), float32(0x1p-126)
	var entries []unigram.Entry
	for i, p := range m.pieces {
		switch p.typ {
		case Normal:
			minScore = min(minScore, p.score)
			maxScore = max(maxScore, p.score)
			entries = append(entries, unigram.Entry{Key: p.text, Value: int32(i)})
		case UserDefined:
			entries = append(entries, unigram.Entry{Key: p.text, Value: int32(i)})
		}
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("no pieces to segment with")
	}
	t, err := unigram.BuildTrie(entries)
	if err != nil {
		return nil, err
	}
	for i, p := range m.pieces {
		scores[i] = float64(p.score)
		if p.typ == UserDefined {
			// A bonus so that user-defined symbols are always chosen. The
			// match length is the piece's length in bytes.
			scores[i] = float64(float32(len(p.text))*maxScore) - 0.1
		}
	}
	l, err := unigram.NewLattice(t, scores, m.unkRaw, float64(minScore-unkPenalty), true)
	if err != nil {
		return nil, err
	}
	return &unigramSegmenter{lattice: l}, nil
}

func (u *unigramSegmenter) segment(sc *scratch, norm string) {
	sc.best = u.lattice.Best(sc.best, norm)
	sc.spans = unigram.AppendPath(sc.spans, sc.best, func(begin, end, id int32) span {
		return span{begin: begin, end: end, id: id}
	})
}
