package unigram

import "fmt"

// Lattice finds the best segmentation of a text into vocabulary pieces: the
// path of highest total score through the lattice of pieces found in the
// trie, computed on the fly, one byte position after another. A character
// that starts no piece of its own length is covered by the unknown piece.
// Candidates are tried in the same order as the reference encoders (shortest
// piece first at each position, the unknown piece last) and a tie keeps the
// earlier candidate, so that equal scores break the same way.
type Lattice struct {
	trie     *Trie
	scores   []float64 // per id
	unkID    int32
	unkScore float64
	float32  bool
}

// Node is the best path that ends at one byte position.
type Node struct {
	Score    float64
	StartsAt int32 // where its last piece starts; -1 when no path ends here
	ID       int32 // its last piece
}

// NewLattice returns a lattice over the pieces of trie (whose values are
// ids), scored by scores (per id). unkScore scores an unknown character,
// which becomes unkID. With float32, path scores are kept in single
// precision as the C++ SentencePiece encoder keeps them: a piece's candidate
// is summed in double precision, compared unrounded and stored rounded, and
// the unknown candidate is rounded before it is compared.
func NewLattice(trie *Trie, scores []float64, unkID int32, unkScore float64, float32 bool) (*Lattice, error) {
	if trie == nil {
		return nil, fmt.Errorf("unigram lattice: no trie")
	}
	if unkID < 0 || int(unkID) >= len(scores) {
		return nil, fmt.Errorf("unigram lattice: unknown id %d is outside the %d scores", unkID, len(scores))
	}
	for _, n := range trie.Nodes {
		if n.Value >= int32(len(scores)) {
			return nil, fmt.Errorf("unigram lattice: trie value %d is outside the %d scores", n.Value, len(scores))
		}
	}
	return &Lattice{trie: trie, scores: scores, unkID: unkID, unkScore: unkScore, float32: float32}, nil
}

// UnknownID is the id given to unknown characters.
func (l *Lattice) UnknownID() int32 { return l.unkID }

// Score is the score of the piece id.
func (l *Lattice) Score(id int32) float64 { return l.scores[id] }

// UnknownScore is the score of an unknown character.
func (l *Lattice) UnknownScore() float64 { return l.unkScore }

// charLen is the length of the character whose lead byte is b, judging from
// the lead byte alone (1 for ASCII and stray continuation bytes), limited to
// the n bytes left.
func charLen(b byte, n int) int {
	l := int(charLenTable[b>>4])
	return min(l, n)
}

var charLenTable = [16]uint8{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4}

// Best fills best (grown as needed and returned) with the best path ending at
// each byte position of text; best[len(text)] ends the whole text.
func (l *Lattice) Best(best []Node, text string) []Node {
	size := len(text)
	if cap(best) < size+1 {
		best = make([]Node, size+1)
	}
	best = best[:size+1]
	for i := range best {
		best[i] = Node{StartsAt: -1}
	}
	nodes := l.trie.Nodes
	for startsAt := 0; startsAt < size; {
		here := best[startsAt].Score
		mblen := charLen(text[startsAt], size-startsAt)
		hasSingle := false
		s := int32(0)
		for k := startsAt; k < size; k++ {
			next := nodes[s].Base + int32(text[k])
			if uint(next) >= uint(len(nodes)) || nodes[next].Check != s {
				break
			}
			s = next
			id := nodes[s].Value
			if id < 0 {
				continue
			}
			target := &best[k+1]
			cand := l.scores[id] + here
			if target.StartsAt == -1 || cand > target.Score {
				if l.float32 {
					cand = float64(float32(cand))
				}
				*target = Node{Score: cand, StartsAt: int32(startsAt), ID: id}
			}
			if k+1-startsAt == mblen {
				hasSingle = true
			}
		}
		if !hasSingle {
			target := &best[startsAt+mblen]
			cand := l.unkScore + here
			if l.float32 {
				cand = float64(float32(cand))
			}
			if target.StartsAt == -1 || cand > target.Score {
				*target = Node{Score: cand, StartsAt: int32(startsAt), ID: l.unkID}
			}
		}
		startsAt += mblen
	}
	return best
}

// AppendPath appends to dst the pieces of the best path that best (filled by
// Best) holds, in text order, each made by piece, and returns it.
func AppendPath[T any](dst []T, best []Node, piece func(begin, end, id int32) T) []T {
	first := len(dst)
	for end := len(best) - 1; end > 0; {
		b := best[end]
		dst = append(dst, piece(b.StartsAt, int32(end), b.ID))
		end = int(b.StartsAt)
	}
	for i, j := first, len(dst)-1; i < j; i, j = i+1, j-1 {
		dst[i], dst[j] = dst[j], dst[i]
	}
	return dst
}
