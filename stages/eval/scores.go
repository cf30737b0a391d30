package eval

import "math"

// ClassScores are a class's precision, recall, F1 and support.
type ClassScores struct {
	Label     string  `json:"label"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int64   `json:"support"`
}

// Confusion counts predictions: Counts[actual][predicted].
type Confusion struct {
	Labels []string  `json:"labels"`
	Counts [][]int64 `json:"counts"`
}

// NewConfusion returns an empty confusion matrix over labels.
func NewConfusion(labels []string) *Confusion {
	c := &Confusion{Labels: labels, Counts: make([][]int64, len(labels))}
	for i := range c.Counts {
		c.Counts[i] = make([]int64, len(labels))
	}
	return c
}

// Add counts one prediction.
func (c *Confusion) Add(actual, predicted int) { c.Counts[actual][predicted]++ }

// Scores returns accuracy, the per-class scores, and the macro averages of
// precision, recall and F1 over the classes that occur in the data or the
// predictions (a class with no predictions has precision 0).
func (c *Confusion) Scores() (accuracy float64, perClass []ClassScores, precision, recall, f1 float64) {
	n := len(c.Labels)
	var total, correct int64
	predicted := make([]int64, n)
	actual := make([]int64, n)
	for a := range n {
		for p := range n {
			v := c.Counts[a][p]
			total += v
			actual[a] += v
			predicted[p] += v
			if a == p {
				correct += v
			}
		}
	}
	if total > 0 {
		accuracy = float64(correct) / float64(total)
	}
	present := 0
	for k := range n {
		s := ClassScores{Label: c.Labels[k], Support: actual[k]}
		tp := float64(c.Counts[k][k])
		if predicted[k] > 0 {
			s.Precision = tp / float64(predicted[k])
		}
		if actual[k] > 0 {
			s.Recall = tp / float64(actual[k])
		}
		if s.Precision+s.Recall > 0 {
			s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
		}
		perClass = append(perClass, s)
		if actual[k] > 0 || predicted[k] > 0 {
			present++
			precision += s.Precision
			recall += s.Recall
			f1 += s.F1
		}
	}
	if present > 0 {
		precision /= float64(present)
		recall /= float64(present)
		f1 /= float64(present)
	}
	return accuracy, perClass, precision, recall, f1
}

// perplexity is exp(cross-entropy), capped to stay finite in JSON.
func perplexity(ce float64) float64 {
	return math.Min(math.Exp(ce), math.MaxFloat64)
}
