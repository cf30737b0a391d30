package data

import (
	"fmt"

	"github.com/mlpipe/pipeline/stages/train/engine"
)

// Source makes batches from numbered items: rows of a classification table or
// windows of a token stream.
type Source interface {
	// Len is the number of items.
	Len() int
	// Batch builds a batch of rows rows from items idx; rows past len(idx) are
	// padding with weight 0.
	Batch(idx []int, rows int) *engine.Batch
	// Tokens is the number of real tokens in item i.
	Tokens(i int) int
}

// Classes are classification rows, truncated to Length tokens, with their class indices.
type Classes struct {
	Rows   [][]int32
	Y      []int32
	Length int
}

// NewClasses maps the table's labels to their positions in labels and cuts
// rows to length tokens. A label not in labels is an error.
func NewClasses(t *Table, labels []string, length int) (*Classes, error) {
	if len(t.Labels) != len(t.Rows) {
		return nil, fmt.Errorf("table %s: %d labels for %d rows", t.Path, len(t.Labels), len(t.Rows))
	}
	index := make(map[string]int32, len(labels))
	for i, l := range labels {
		index[l] = int32(i)
	}
	c := &Classes{Rows: make([][]int32, len(t.Rows)), Y: make([]int32, len(t.Rows)), Length: length}
	for i, r := range t.Rows {
		y, ok := index[t.Labels[i]]
		if !ok {
			return nil, fmt.Errorf("table %s row %d: label %q is not one of the model's labels %q", t.Path, i, t.Labels[i], labels)
		}
		c.Y[i] = y
		if len(r) > length {
			r = r[:length]
		}
		c.Rows[i] = r
	}
	return c, nil
}

// Len implements Source.
func (c *Classes) Len() int { return len(c.Rows) }

// Tokens implements Source.
func (c *Classes) Tokens(i int) int { return len(c.Rows[i]) }

// Batch implements Source.
func (c *Classes) Batch(idx []int, rows int) *engine.Batch {
	b := &engine.Batch{Rows: rows, Len: c.Length,
		IDs: make([]int32, rows*c.Length), Mask: make([]float32, rows*c.Length),
		Targets: make([]int32, rows), Weights: make([]float32, rows)}
	for r, i := range idx {
		for j, id := range c.Rows[i] {
			b.IDs[r*c.Length+j] = id
			b.Mask[r*c.Length+j] = 1
		}
		b.Targets[r] = c.Y[i]
		b.Weights[r] = 1
	}
	return b
}

// Windows are a language model's training items: the table's rows joined
// into one token stream and cut into windows of Length+1 tokens that overlap
// by one (each window's last token is the target of its last position).
type Windows struct {
	Stream []int32
	Length int
	starts []int
	// context is, in every window but the first, the number of leading
	// positions whose targets are not scored (scoring windows only).
	context int
}

// NewWindows packs the table's token stream into windows of length tokens.
func NewWindows(t *Table, length int) (*Windows, error) { return NewStridedWindows(t, length, length) }

// NewStridedWindows packs the table's token stream into windows of length
// tokens that start every stride tokens (1 <= stride <= length): with a
// stride below length consecutive windows overlap, and each token is seen in
// length/stride contexts per epoch.
func NewStridedWindows(t *Table, length, stride int) (*Windows, error) {
	if stride < 1 || stride > length {
		return nil, fmt.Errorf("window stride %d: must be from 1 to the window length %d", stride, length)
	}
	w := &Windows{Length: length}
	for _, r := range t.Rows {
		w.Stream = append(w.Stream, r...)
	}
	if len(w.Stream) < 2 {
		return nil, fmt.Errorf("table %s has %d tokens: a language model needs at least 2", t.Path, len(w.Stream))
	}
	for s := 0; s+1 < len(w.Stream); s += stride {
		w.starts = append(w.starts, s)
	}
	return w, nil
}

// NewScoringWindows packs the table's token stream into windows of length
// tokens that start every stride tokens (1 <= stride <= length) and score
// each token of the stream once: a window after the first predicts only its
// last stride positions, and its first length-stride tokens are there as
// context. Every scored token after the first length-stride of the stream so
// sees at least length-stride tokens before it, where disjoint windows
// (stride = length, the same windows as NewWindows) give a token between 1
// and length. This is the sliding-window perplexity of language-model
// evaluation; the windows stop at the first that reaches the stream's end.
// A stride of 0 means length.
func NewScoringWindows(t *Table, length, stride int) (*Windows, error) {
	if stride == 0 {
		stride = length
	}
	w, err := NewStridedWindows(t, length, stride)
	if err != nil {
		return nil, err
	}
	w.context = length - stride
	for i, s := range w.starts {
		if s+length+1 >= len(w.Stream) {
			w.starts = w.starts[:i+1]
			break
		}
	}
	return w, nil
}

// Len implements Source.
func (w *Windows) Len() int { return len(w.starts) }

// ScoredFrom returns the first position of window i whose target is scored:
// 0 but in the later windows of scoring windows.
func (w *Windows) ScoredFrom(i int) int {
	if i == 0 {
		return 0
	}
	return w.context
}

// Start returns the position in Stream of window i's first token.
func (w *Windows) Start(i int) int { return w.starts[i] }

// Tokens implements Source: the number of scored targets of window i.
func (w *Windows) Tokens(i int) int {
	return max(0, min(w.Length, len(w.Stream)-1-w.starts[i])-w.ScoredFrom(i))
}

// Batch implements Source.
func (w *Windows) Batch(idx []int, rows int) *engine.Batch {
	n := rows * w.Length
	b := &engine.Batch{Rows: rows, Len: w.Length, IDs: make([]int32, n), Mask: make([]float32, n),
		Targets: make([]int32, n), Weights: make([]float32, n)}
	for r, i := range idx {
		s, from := w.starts[i], w.ScoredFrom(i)
		for j := 0; j < w.Length && s+j < len(w.Stream); j++ {
			k := r*w.Length + j
			b.IDs[k] = w.Stream[s+j]
			b.Mask[k] = 1
			if s+j+1 < len(w.Stream) && j >= from {
				b.Targets[k] = w.Stream[s+j+1]
				b.Weights[k] = 1
			}
		}
	}
	return b
}

// Sequential calls fn with the batches of rows rows that cover every item
// of src once, in order; the last batch is padded.
func Sequential(src Source, rows int, fn func(b *engine.Batch, idx []int) error) error {
	for start := 0; start < src.Len(); start += rows {
		end := min(start+rows, src.Len())
		idx := make([]int, end-start)
		for i := range idx {
			idx[i] = start + i
		}
		if err := fn(src.Batch(idx, rows), idx); err != nil {
			return err
		}
	}
	return nil
}
