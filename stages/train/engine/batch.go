package engine

import "fmt"

// Batch is one batch of rows in host memory, all of the same padded length.
//
// For a classifier, Targets and Weights have one value per row (the class and
// 1, or 0 for a padding row). For a language model they have one value per
// token (the next token and 1, or 0 where there is no next token).
type Batch struct {
	// Rows and Len are the batch's shape.
	Rows, Len int
	// IDs are the token ids, Rows×Len, row-major.
	IDs []int32
	// Mask is 1 for real tokens and 0 for padding, Rows×Len.
	Mask []float32
	// Targets and Weights are per row (classifier) or per token (language model).
	Targets []int32
	Weights []float32
}

func (b *Batch) check(perToken bool) error {
	n := b.Rows * b.Len
	if len(b.IDs) != n || len(b.Mask) != n {
		return fmt.Errorf("batch of %d×%d has %d ids and %d mask values", b.Rows, b.Len, len(b.IDs), len(b.Mask))
	}
	want := b.Rows
	if perToken {
		want = n
	}
	if len(b.Targets) != want || len(b.Weights) != want {
		return fmt.Errorf("batch of %d×%d has %d targets and %d weights, want %d", b.Rows, b.Len, len(b.Targets), len(b.Weights), want)
	}
	return nil
}

// Tokens counts the real tokens of the batch.
func (b *Batch) Tokens() int {
	n := 0
	for _, m := range b.Mask {
		if m != 0 {
			n++
		}
	}
	return n
}
