package sentencepiece

import (
	"fmt"
	"math"
	"strings"
)

// selfTest encodes the samples a model carries and compares the pieces with
// the expected ones, as the C++ library does when it loads a model. For
// Unigram, a different segmentation with the same score passes.
func (m *Model) selfTest(samples []selfTestSample) error {
	var failed []string
	for _, s := range samples {
		got := strings.Join(m.EncodePieces(s.input), " ")
		if got == s.expected {
			continue
		}
		if m.typ == Unigram {
			if math.Abs(float64(m.unigramScore(got)-m.unigramScore(s.expected))) <= 1e-7 {
				continue
			}
		}
		failed = append(failed, fmt.Sprintf("%q: want %q, got %q", s.input, s.expected, got))
	}
	if len(failed) > 0 {
		return fmt.Errorf("self-test: %d of %d samples failed: %s", len(failed), len(samples), strings.Join(failed, "; "))
	}
	return nil
}

// unigramScore scores a space-separated segmentation as the C++ self-test does.
func (m *Model) unigramScore(pieces string) float32 {
	l := m.seg.(*unigramSegmenter).lattice
	var total float32
	for _, p := range strings.Split(pieces, " ") {
		id := m.pieceToID(p)
		if id == m.unkRaw {
			total += float32(l.UnknownScore())
		} else {
			total = float32(float64(total) + l.Score(id))
		}
	}
	return total
}
