package tokenize

import "fmt"

// Side is the end of a sequence that padding or truncation works on.
type Side string

// Sides.
const (
	Right Side = "right"
	Left  Side = "left"
)

// PadTo says how long padded sequences become.
type PadTo string

// Padding targets.
const (
	// NoPadding leaves sequences as they are.
	NoPadding PadTo = "none"
	// PadLongest pads every sequence of a batch to the longest one.
	PadLongest PadTo = "longest"
	// PadMaxLength pads every sequence to Shape.MaxLength.
	PadMaxLength PadTo = "max_length"
)

// Shape is how encoded sequences are cut and padded, with the meaning the
// Hugging Face tokenizers library gives its truncation and padding options.
type Shape struct {
	// MaxLength bounds the length of a sequence when Truncate is set, and is
	// the padded length for PadMaxLength. 0 means no bound.
	MaxLength int
	// Truncate cuts sequences longer than MaxLength.
	Truncate bool
	// Stride is how many ids consecutive overflow windows share.
	Stride int
	// TruncateSide is the end that truncation removes ids from ("" = Right).
	TruncateSide Side
	// Pad is the padding target ("" = NoPadding).
	Pad PadTo
	// PadSide is the end padding is added to ("" = Right).
	PadSide Side
	// PadID is the id used for padding.
	PadID int32

	// padAtLeast raises PadLongest's target, so that batches of one table
	// all pad to the table's longest sequence.
	padAtLeast int
}

// Check reports a shape that cannot be applied.
func (s Shape) Check() error {
	switch {
	case s.MaxLength < 0:
		return fmt.Errorf("max_length %d is negative", s.MaxLength)
	case s.Truncate && s.MaxLength == 0:
		return fmt.Errorf("truncation needs max_length")
	case s.Stride < 0:
		return fmt.Errorf("stride %d is negative", s.Stride)
	case s.Truncate && s.Stride >= s.MaxLength:
		return fmt.Errorf("stride %d must be smaller than max_length %d", s.Stride, s.MaxLength)
	case s.Pad == PadMaxLength && s.MaxLength == 0:
		return fmt.Errorf("padding to max_length needs max_length")
	}
	switch s.Pad {
	case "", NoPadding, PadLongest, PadMaxLength:
	default:
		return fmt.Errorf("unknown padding %q (want none, longest or max_length)", s.Pad)
	}
	for _, side := range []Side{s.TruncateSide, s.PadSide} {
		if side != "" && side != Left && side != Right {
			return fmt.Errorf("unknown side %q (want left or right)", side)
		}
	}
	return nil
}

// Encoding is one shaped sequence.
type Encoding struct {
	// IDs are the token ids, padding included.
	IDs []int32
	// AttentionMask is 1 for real tokens and 0 for padding; nil without padding.
	AttentionMask []int8
	// Overflowing holds the windows cut off by truncation, each of at most
	// MaxLength ids and sharing Stride ids with its neighbour; they are padded
	// like IDs.
	Overflowing []Encoding
}

// Truncate cuts ids to the shape's MaxLength and returns the kept window and
// the overflowing ones, as Hugging Face tokenizers does: windows of MaxLength
// ids that advance by MaxLength-Stride, from the truncated side.
func (s Shape) truncate(ids []int32) (kept []int32, overflow [][]int32) {
	if !s.Truncate || s.MaxLength == 0 || len(ids) <= s.MaxLength {
		return ids, nil
	}
	step := s.MaxLength - s.Stride
	var windows [][]int32
	if s.TruncateSide == Left {
		for end := len(ids); ; end -= step {
			start := max(end-s.MaxLength, 0)
			windows = append(windows, ids[start:end])
			if start == 0 {
				break
			}
		}
	} else {
		for start := 0; ; start += step {
			end := min(start+s.MaxLength, len(ids))
			windows = append(windows, ids[start:end])
			if end == len(ids) {
				break
			}
		}
	}
	return windows[0], windows[1:]
}

// pad pads ids to length n and returns them with their attention mask.
func (s Shape) pad(ids []int32, n int) Encoding {
	mask := make([]int8, max(n, len(ids)))
	if len(ids) >= n {
		for i := range mask {
			mask[i] = 1
		}
		return Encoding{IDs: ids, AttentionMask: mask}
	}
	out := make([]int32, n)
	off := 0
	if s.PadSide == Left {
		off = n - len(ids)
	}
	for i := range out {
		out[i] = s.PadID
	}
	copy(out[off:], ids)
	for i := off; i < off+len(ids); i++ {
		mask[i] = 1
	}
	return Encoding{IDs: out, AttentionMask: mask}
}

// Apply truncates and pads a batch of id sequences. With PadLongest the
// target is the longest sequence of the batch after truncation (overflow
// windows included).
func (s Shape) Apply(batch [][]int32) []Encoding {
	out := make([]Encoding, len(batch))
	target := s.MaxLength
	overflows := make([][][]int32, len(batch))
	longest := 0
	for i, ids := range batch {
		kept, over := s.truncate(ids)
		out[i].IDs = kept
		overflows[i] = over
		longest = max(longest, len(kept))
		for _, o := range over {
			longest = max(longest, len(o))
		}
	}
	switch s.Pad {
	case PadLongest:
		target = max(longest, s.padAtLeast)
	case PadMaxLength:
	default:
		for i := range out {
			for _, o := range overflows[i] {
				out[i].Overflowing = append(out[i].Overflowing, Encoding{IDs: o})
			}
		}
		return out
	}
	for i := range out {
		e := s.pad(out[i].IDs, target)
		for _, o := range overflows[i] {
			e.Overflowing = append(e.Overflowing, s.pad(o, target))
		}
		out[i] = e
	}
	return out
}
