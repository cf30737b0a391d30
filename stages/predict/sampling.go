package predict

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlpipe/pipeline/stages/train/engine"
)

// Strategies of generation.
const (
	Greedy = "greedy"
	Sample = "sample"
)

// NoStop is Sampling.StopID when no token ends a row's generation.
const NoStop = -1

// Sampling says how a language model's next token is chosen and how many are
// generated. The stage's params and the CLI's flags fill it alike.
type Sampling struct {
	// Strategy is Greedy (the most likely token) or Sample.
	Strategy string
	// Temperature divides the logits before sampling (> 0; Sample only).
	Temperature float64
	// TopK keeps the k most likely tokens before sampling (0: all).
	TopK int
	// TopP keeps the smallest set of most likely tokens whose probability
	// reaches p before sampling (1: all).
	TopP float64
	// MaxNewTokens is the most tokens generated per row.
	MaxNewTokens int
	// StopID is a token id that ends a row's generation once generated (it is
	// kept in the output); NoStop for none.
	StopID int64
	// Seed seeds each row's random stream together with the row's index (see
	// RowRand), so a row's sample does not depend on the rows batched with it.
	Seed int64
}

// ParamError is a generation setting out of range. Param is the stage
// parameter's name (top_p); the CLI spells it as its flag (--top-p).
type ParamError struct {
	Param   string
	Value   any
	Problem string
}

// Error implements error.
func (e *ParamError) Error() string { return fmt.Sprintf("%s = %v: %s", e.Param, e.Value, e.Problem) }

// Check reports the first setting out of range as a *ParamError.
func (s Sampling) Check() error {
	switch {
	case s.Strategy != Greedy && s.Strategy != Sample:
		return &ParamError{"strategy", fmt.Sprintf("%q", s.Strategy), "want greedy or sample"}
	case !(s.Temperature > 0) || math.IsInf(s.Temperature, 1):
		return &ParamError{"temperature", s.Temperature, "must be positive and finite"}
	case s.TopK < 0:
		return &ParamError{"top_k", s.TopK, "must not be negative (0: off)"}
	case !(s.TopP > 0 && s.TopP <= 1):
		return &ParamError{"top_p", s.TopP, "must be in (0, 1] (1: off)"}
	case s.MaxNewTokens <= 0:
		return &ParamError{"max_new_tokens", s.MaxNewTokens, "must be positive"}
	case s.StopID < NoStop || s.StopID > math.MaxInt32:
		return &ParamError{"stop_at_eos", s.StopID, "must be a token id (>= 0)"}
	}
	return nil
}

// RowRand is the random stream of row (its index among all the rows a stage
// or a command predicts on): PCG seeded with the seed and the row index.
func RowRand(seed int64, row int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), uint64(row)))
}

// Next chooses the next token from one position's logits. Greedy (and
// Sample with TopK 1) takes the most likely token, the lowest id among
// equals, and draws nothing from r. Sample computes the softmax of
// logits/Temperature in float64, keeps the TopK most likely tokens, then the
// fewest of those whose probability reaches TopP (ties in probability are
// ordered by id), and draws one token from what is kept, renormalized, with
// one r.Float64().
func (s Sampling) Next(logits []float32, r *rand.Rand) int32 {
	if s.Strategy == Greedy || s.TopK == 1 {
		return int32(engine.Argmax(logits))
	}
	p := tempered(logits, s.Temperature)
	order := make([]int32, len(p))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := cmp.Compare(p[b], p[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
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
		if u < 0 {
			return id
		}
	}
	return order[keep-1]
}

// tempered is the softmax of logits/t, in float64.
func tempered(logits []float32, t float64) []float64 {
	top := math.Inf(-1)
	for _, v := range logits {
		top = math.Max(top, float64(v))
	}
	out := make([]float64, len(logits))
	var sum float64
	for i, v := range logits {
		out[i] = math.Exp((float64(v) - top) / t)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}
