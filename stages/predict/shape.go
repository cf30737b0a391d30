package predict

import "fmt"

// minSeq is the shortest padded sequence length a batch is run at.
const minSeq = 8

// Shape fixes the shapes of the batches a model runs on. The predictor
// compiles one graph per batch shape and keeps a bounded number of them
// (GoMLX's executable cache): so every batch has Rows rows (short batches
// are filled with one-token rows whose output is dropped) and a sequence
// length rounded up to a power of two, at most SeqLen. A run then needs at
// most log2(SeqLen)+2 graphs however long its rows and generations are.
// Padding does not change a row's output: padded positions are masked, and
// a language model's positions see only those before them.
type Shape struct {
	// Rows is the number of rows of every batch.
	Rows int
	// SeqLen is the longest row the model takes.
	SeqLen int
	// Vocab is the model's vocabulary size; ids at or above it are refused
	// (0: unchecked).
	Vocab int
}

// seq is the padded length of a batch whose longest row has n tokens.
func (s Shape) seq(n int) int {
	p := minSeq
	for p < n {
		p *= 2
	}
	return min(p, s.SeqLen)
}

// check reports a row that cannot be run: empty, longer than SeqLen, or with
// an id outside the vocabulary. first is the index of rows[0] among all rows.
func (s Shape) check(rows [][]int32, first int) error {
	for i, r := range rows {
		if len(r) == 0 {
			return fmt.Errorf("row %d has no tokens", first+i)
		}
		if len(r) > s.SeqLen {
			return fmt.Errorf("row %d has %d tokens, more than the model's %d", first+i, len(r), s.SeqLen)
		}
		for _, id := range r {
			if id < 0 || (s.Vocab > 0 && int(id) >= s.Vocab) {
				return fmt.Errorf("row %d: token id %d outside the model's vocabulary of %d", first+i, id, s.Vocab)
			}
		}
	}
	return nil
}

// pack lays rows (at most s.Rows of them, each of 1 to SeqLen ids, as check
// passes them) out left-aligned in a [s.Rows, seq] batch, with the mask of
// their real tokens.
func (s Shape) pack(rows [][]int32) (ids []int32, mask []float32, seq int) {
	longest := 1
	for _, r := range rows {
		longest = max(longest, len(r))
	}
	seq = s.seq(longest)
	ids, mask = make([]int32, s.Rows*seq), make([]float32, s.Rows*seq)
	for i := range s.Rows {
		if i >= len(rows) {
			mask[i*seq] = 1 // a one-token filler row: no row is all padding
			continue
		}
		for j, id := range rows[i] {
			ids[i*seq+j], mask[i*seq+j] = id, 1
		}
	}
	return ids, mask, seq
}
