package predict

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/mlpipe/pipeline/stages/train/engine"
)

// Strategies of generation.
const (
	Greedy = "greedy"
	Sample = "sample"
)

// Sampling says how the next token is chosen from a language model's logits.
type Sampling struct {
	// Strategy is Greedy or Sample.
	Strategy string
	// Temperature divides the logits before sampling (> 0).
	Temperature float64
	// TopK keeps the k most likely tokens (0: all).
	TopK int
	// TopP keeps the smallest set of most likely tokens whose probability
	// reaches p (1: all).
	TopP float64
	// MaxNewTokens is the most tokens generated per row.
	MaxNewTokens int
	// StopID ends a row's generation when generated (-1: none).
	StopID int32
	// Seed seeds each row's random stream together with the row's index, so a
	// row's sample does not depend on how rows are batched.
	Seed int64
}

// Check reports a setting out of range, naming it.
func (s Sampling) Check() error {
	switch {
	case s.Strategy != Greedy && s.Strategy != Sample:
		return fmt.Errorf("strategy %q: want greedy or sample", s.Strategy)
	case !(s.Temperature > 0):
		return fmt.Errorf("temperature = %v: must be positive", s.Temperature)
	case s.TopK < 0:
		return fmt.Errorf("top_k = %d: must not be negative (0: off)", s.TopK)
	case !(s.TopP > 0 && s.TopP <= 1):
		return fmt.Errorf("top_p = %v: must be in (0, 1]", s.TopP)
	case s.MaxNewTokens <= 0:
		return fmt.Errorf("max_new_tokens = %d: must be positive", s.MaxNewTokens)
	}
	return nil
}

// next picks the next token from one position's logits.
func (s Sampling) next(logits []float32, r *rand.Rand) int32 {
	if s.Strategy == Greedy || s.TopK == 1 {
		return int32(engine.Argmax(logits))
	}
	scaled := make([]float32, len(logits))
	for i, v := range logits {
		scaled[i] = float32(float64(v) / s.Temperature)
	}
	p := engine.Softmax(scaled)
	order := make([]int, len(p))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return p[order[a]] > p[order[b]] })
	keep := len(order)
	if s.TopK > 0 {
		keep = min(keep, s.TopK)
	}
	if s.TopP < 1 {
		var acc float64
		for i, id := range order[:keep] {
			acc += p[id]
			if acc >= s.TopP {
				keep = i + 1
				break
			}
		}
	}
	var total float64
	for _, id := range order[:keep] {
		total += p[id]
	}
	u := r.Float64() * total
	for _, id := range order[:keep] {
		u -= p[id]
		if u <= 0 {
			return int32(id)
		}
	}
	return int32(order[keep-1])
}

// Forward returns a language model's logits [rows, seq, vocab] for rows×seq ids and mask.
type Forward func(ids []int32, mask []float32, rows, seq int) ([]float32, []int, error)

// Generate continues each prompt (token ids) with up to s.MaxNewTokens
// tokens, running forward once per new token on all unfinished rows (no
// key-value cache: each step recomputes the whole window). Rows longer than
// seqLen keep their last seqLen tokens as context. first is the index of
// prompts[0] among all rows, for the per-row random streams.
func Generate(forward Forward, prompts [][]int32, seqLen int, s Sampling, first int) ([][]int32, error) {
	out := make([][]int32, len(prompts))
	ctx := make([][]int32, len(prompts))
	rngs := make([]*rand.Rand, len(prompts))
	done := make([]bool, len(prompts))
	for i, p := range prompts {
		if len(p) == 0 {
			return nil, fmt.Errorf("row %d: an empty prompt", first+i)
		}
		ctx[i] = slices.Clone(p)
		rngs[i] = rand.New(rand.NewPCG(uint64(s.Seed), uint64(first+i)))
	}
	for range s.MaxNewTokens {
		var live []int
		seq := 0
		for i := range prompts {
			if !done[i] {
				if len(ctx[i]) > seqLen {
					ctx[i] = ctx[i][len(ctx[i])-seqLen:]
				}
				live = append(live, i)
				seq = max(seq, len(ctx[i]))
			}
		}
		if len(live) == 0 {
			break
		}
		ids, mask := make([]int32, len(live)*seq), make([]float32, len(live)*seq)
		for r, i := range live {
			for j, id := range ctx[i] {
				ids[r*seq+j], mask[r*seq+j] = id, 1
			}
		}
		logits, dims, err := forward(ids, mask, len(live), seq)
		if err != nil {
			return nil, err
		}
		vocab := dims[2]
		for r, i := range live {
			at := (r*seq + len(ctx[i]) - 1) * vocab
			tok := s.next(logits[at:at+vocab], rngs[i])
			out[i] = append(out[i], tok)
			ctx[i] = append(ctx[i], tok)
			if s.StopID >= 0 && tok == s.StopID {
				done[i] = true
			}
		}
	}
	return out, nil
}
