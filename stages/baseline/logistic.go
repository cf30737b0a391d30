package baseline

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Logistic is a multinomial logistic regression on bags of token ids: each
// row's features are log(1 + count) of every token it holds, scaled to unit
// length, so a long mail and a short one weigh alike. It is trained by
// AdaGrad over seeded shuffles, deterministically, with an L2 penalty on the
// weights of the features each row holds (the sparse form of the penalty).
type Logistic struct {
	// Classes is the number of classes; Vocab the number of features.
	Classes, Vocab int
	// W holds Classes rows of Vocab weights; B the biases.
	W, B []float64
}

// LogisticOptions are the training settings.
type LogisticOptions struct {
	Epochs int
	LR     float64
	L2     float64
	Seed   uint64
}

// sparseRow is a row's features: token ids and their values.
type sparseRow struct {
	ids  []int32
	vals []float64
}

// features turns a row of token ids into its normalised bag.
func features(toks []int32, vocab int) (sparseRow, error) {
	counts := map[int32]int{}
	var order []int32
	for _, t := range toks {
		if t < 0 || int(t) >= vocab {
			return sparseRow{}, fmt.Errorf("token %d is outside the vocabulary of %d", t, vocab)
		}
		if counts[t] == 0 {
			order = append(order, t)
		}
		counts[t]++
	}
	r := sparseRow{ids: order, vals: make([]float64, len(order))}
	var norm float64
	for i, t := range order {
		v := math.Log1p(float64(counts[t]))
		r.vals[i] = v
		norm += v * v
	}
	if norm > 0 {
		norm = math.Sqrt(norm)
		for i := range r.vals {
			r.vals[i] /= norm
		}
	}
	return r, nil
}

// TrainLogistic fits the model on rows with their class indexes.
func TrainLogistic(rows [][]int32, classes []int, nClasses, vocab int, o LogisticOptions) (*Logistic, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("no training rows")
	}
	if nClasses < 2 {
		return nil, fmt.Errorf("%d classes: need at least 2", nClasses)
	}
	feats := make([]sparseRow, len(rows))
	for i, r := range rows {
		f, err := features(r, vocab)
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", i, err)
		}
		feats[i] = f
	}
	m := &Logistic{Classes: nClasses, Vocab: vocab, W: make([]float64, nClasses*vocab), B: make([]float64, nClasses)}
	gw := make([]float64, len(m.W)) // AdaGrad's sums of squared gradients
	gb := make([]float64, nClasses)
	rng := rand.New(rand.NewPCG(o.Seed, 0x6c6f6769737469))
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	p := make([]float64, nClasses)
	const eps = 1e-8
	for e := 0; e < o.Epochs; e++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			f := feats[i]
			m.probs(f, p)
			for c := 0; c < nClasses; c++ {
				g := p[c]
				if c == classes[i] {
					g--
				}
				for j, t := range f.ids {
					k := c*vocab + int(t)
					grad := g*f.vals[j] + o.L2*m.W[k]
					gw[k] += grad * grad
					m.W[k] -= o.LR * grad / (math.Sqrt(gw[k]) + eps)
				}
				gb[c] += g * g
				m.B[c] -= o.LR * g / (math.Sqrt(gb[c]) + eps)
			}
		}
	}
	return m, nil
}

// probs writes the class probabilities of a row into p.
func (m *Logistic) probs(f sparseRow, p []float64) {
	best := math.Inf(-1)
	for c := 0; c < m.Classes; c++ {
		z := m.B[c]
		for j, t := range f.ids {
			z += m.W[c*m.Vocab+int(t)] * f.vals[j]
		}
		p[c] = z
		best = max(best, z)
	}
	var sum float64
	for c := range p {
		p[c] = math.Exp(p[c] - best)
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
}

// Predict returns the class probabilities of a row of token ids.
func (m *Logistic) Predict(toks []int32) ([]float64, error) {
	f, err := features(toks, m.Vocab)
	if err != nil {
		return nil, err
	}
	p := make([]float64, m.Classes)
	m.probs(f, p)
	return p, nil
}
