package predict

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
)

// Forward runs a model on a batch: ids and mask are rows×seq, row-major
// (mask 1 for real tokens). A language model returns its logits, flat, with
// dimensions [rows, seq, vocab]; a classifier [rows, classes].
// (*engine.Predictor).Run is one.
type Forward func(ids []int32, mask []float32, rows, seq int) ([]float32, []int, error)

// Generate continues each prompt (token ids) with up to s.MaxNewTokens
// tokens and returns the new tokens of each. It has no key-value cache: each
// new token is one full forward pass over the window of every unfinished row
// of a batch of shape.Rows prompts, left-aligned, and the logits are read at
// each row's last real position. A window holds the last shape.SeqLen tokens
// of prompt and generation. A row ends after s.MaxNewTokens tokens or at
// s.StopID. first is the index of prompts[0] among all rows: row i draws
// from RowRand(s.Seed, first+i), so its tokens do not depend on how rows are
// batched.
func Generate(ctx context.Context, forward Forward, prompts [][]int32, shape Shape, s Sampling, first int) ([][]int32, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	out := make([][]int32, len(prompts))
	for start := 0; start < len(prompts); start += shape.Rows {
		end := min(start+shape.Rows, len(prompts))
		gen, err := generateBatch(ctx, forward, prompts[start:end], shape, s, first+start)
		if err != nil {
			return nil, err
		}
		copy(out[start:end], gen)
	}
	return out, nil
}

// generateBatch is Generate on at most shape.Rows prompts.
func generateBatch(ctx context.Context, forward Forward, prompts [][]int32, shape Shape, s Sampling, first int) ([][]int32, error) {
	out := make([][]int32, len(prompts))
	windows := make([][]int32, len(prompts))
	rngs := make([]*rand.Rand, len(prompts))
	live := make([]int, 0, len(prompts))
	for i, p := range prompts {
		windows[i] = slices.Clone(p[max(0, len(p)-shape.SeqLen):])
		rngs[i] = RowRand(s.Seed, first+i)
		out[i] = make([]int32, 0, s.MaxNewTokens)
		live = append(live, i)
	}
	if err := shape.check(windows, first); err != nil {
		return nil, err
	}
	rows := make([][]int32, 0, len(prompts))
	for range s.MaxNewTokens {
		if len(live) == 0 {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rows = rows[:0]
		for _, i := range live {
			rows = append(rows, windows[i])
		}
		ids, mask, seq := shape.pack(rows)
		logits, dims, err := forward(ids, mask, shape.Rows, seq)
		if err != nil {
			return nil, fmt.Errorf("generating for rows %d-%d: %w", first, first+len(prompts)-1, err)
		}
		if len(dims) != 3 || dims[0] != shape.Rows || dims[1] != seq {
			return nil, fmt.Errorf("generating: the model returned logits of shape %v for a %d×%d batch: is it a language model?", dims, shape.Rows, seq)
		}
		vocab := dims[2]
		next := live[:0]
		for r, i := range live {
			at := (r*seq + len(windows[i]) - 1) * vocab
			tok := s.Next(logits[at:at+vocab], rngs[i])
			out[i] = append(out[i], tok)
			windows[i] = append(windows[i], tok)
			if len(windows[i]) > shape.SeqLen {
				windows[i] = windows[i][len(windows[i])-shape.SeqLen:]
			}
			if s.StopID == NoStop || int64(tok) != s.StopID {
				next = append(next, i)
			}
		}
		live = next
	}
	return out, nil
}
