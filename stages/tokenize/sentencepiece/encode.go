package sentencepiece

import (
	"github.com/mlpipe/pipeline/stages/tokenize/internal/unigram"
	"strings"
	"unsafe"
)

// span is one piece of a segmentation: bytes [begin, end) of the normalized
// text and the piece's id.
type span struct {
	begin, end int32
	id         int32
}

// segmenter splits normalized text into pieces; one per model type.
type segmenter interface {
	// segment appends the pieces of norm (non-empty) to sc.spans.
	segment(sc *scratch, norm string)
}

// scratch holds the buffers one encoding needs, reused through the model's
// pool so that a Model can be shared by goroutines without locks. A scratch
// belongs to one model: its word cache is only valid for that model.
type scratch struct {
	norm  []byte
	spans []span
	best  []unigram.Node // Unigram
	syms  []bpeSymbol    // BPE
	heap  pairHeap       // BPE
	// wordCache maps a BPE word to its pieces in cachedSpans, with offsets
	// relative to the word.
	wordCache   map[string]cachedWord
	cachedSpans []span
}

// getScratch takes a scratch from the model's pool; putScratch returns it.
func (m *Model) getScratch() *scratch {
	if sc, ok := m.pool.Get().(*scratch); ok {
		return sc
	}
	return new(scratch)
}

func (m *Model) putScratch(sc *scratch) { m.pool.Put(sc) }

// bytesToString views b as a string without copying; b must not change
// while the string is in use.
func bytesToString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// segmentText normalizes text and segments it into sc.spans; it returns the
// normalized text, which aliases sc.norm.
func (m *Model) segmentText(sc *scratch, text string) string {
	sc.norm = m.norm.normalize(sc.norm[:0], text)
	sc.spans = sc.spans[:0]
	norm := bytesToString(sc.norm)
	if norm != "" {
		m.seg.segment(sc, norm)
	}
	return norm
}

// Normalize returns text as the model's normalizer rewrites it before
// segmentation (spaces appear as ▁ when the model escapes them).
func (m *Model) Normalize(text string) string {
	return string(m.norm.normalize(nil, text))
}

// Encode returns the ids of the pieces of text.
func (m *Model) Encode(text string) []int32 {
	return m.AppendEncode(nil, text)
}

// AppendEncode appends the ids of the pieces of text to dst and returns the
// extended slice. Consecutive unknown pieces become one unknown id; with
// byte fallback, an unknown piece becomes one byte piece per UTF-8 byte.
func (m *Model) AppendEncode(dst []int32, text string) []int32 {
	sc := m.getScratch()
	norm := m.segmentText(sc, text)
	prevUnk := false
	fallback := m.trainer.byteFallback
	for _, s := range sc.spans {
		typ := m.pieces[s.id].typ
		isUnk := typ == Unknown
		switch {
		case isUnk && fallback:
			for i := s.begin; i < s.end; i++ {
				dst = append(dst, m.byteIDs[norm[i]])
			}
		case isUnk && prevUnk:
			// merged into the previous unknown piece
		default:
			dst = append(dst, s.id)
		}
		prevUnk = isUnk
	}
	m.putScratch(sc)
	return dst
}

// EncodePieces returns the pieces of text, as spm_encode
// --output_format=piece prints them: a run of unknown characters is one
// piece holding their normalized text, and byte-fallback pieces are <0xXX>.
func (m *Model) EncodePieces(text string) []string {
	sc := m.getScratch()
	norm := m.segmentText(sc, text)
	var out []string
	prevUnk := false
	fallback := m.trainer.byteFallback
	for _, s := range sc.spans {
		typ := m.pieces[s.id].typ
		isUnk := typ == Unknown
		w := norm[s.begin:s.end]
		switch {
		case isUnk && fallback:
			for i := 0; i < len(w); i++ {
				out = append(out, m.pieces[m.byteIDs[w[i]]].text)
			}
		case isUnk && prevUnk:
			out[len(out)-1] += w
		case isUnk:
			out = append(out, strings.Clone(w))
		default:
			out = append(out, m.pieces[s.id].text)
		}
		prevUnk = isUnk
	}
	m.putScratch(sc)
	return out
}
