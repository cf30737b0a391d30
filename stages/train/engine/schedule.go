package engine

import "math"

// Schedule gives the learning rate of each optimizer step.
type Schedule struct {
	// Peak is the learning rate after warm-up.
	Peak float64
	// Warmup is the number of steps of linear warm-up from 0.
	Warmup int64
	// Total is the number of steps of the run; cosine decays to MinRatio·Peak at Total.
	Total int64
	// Kind is "cosine" or "constant".
	Kind string
	// MinRatio is the floor of the cosine, as a fraction of Peak.
	MinRatio float64
}

// At returns the learning rate used by optimizer step step (0-based).
func (s Schedule) At(step int64) float64 {
	if s.Warmup > 0 && step < s.Warmup {
		return s.Peak * float64(step+1) / float64(s.Warmup)
	}
	if s.Kind != "cosine" || s.Total <= s.Warmup {
		return s.Peak
	}
	progress := float64(step-s.Warmup) / float64(s.Total-s.Warmup)
	progress = min(max(progress, 0), 1)
	cos := 0.5 * (1 + math.Cos(math.Pi*progress))
	return s.Peak * (s.MinRatio + (1-s.MinRatio)*cos)
}
