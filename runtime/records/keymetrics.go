package records

import (
	"math"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/stages"
)

// KeyMetricNames are the metrics a run is summarised by, in the order they
// are shown: whichever of them the run's stages report.
var KeyMetricNames = []string{"accuracy", "f1_macro", "perplexity", "cross_entropy", "val_loss"}

// Metric is one metric a stage instance reported.
type Metric struct {
	Stage  string  `json:"stage"`
	Metric string  `json:"metric"`
	Value  float64 `json:"value"`
}

// KeyMetrics returns the run's key metrics: for each name of
// KeyMetricNames, every stage instance that reports it, in stage order.
func KeyMetrics(m *artifacts.Manifest) []Metric {
	var out []Metric
	for _, name := range KeyMetricNames {
		for _, s := range m.Stages {
			if v, ok := s.Metrics[name]; ok {
				out = append(out, Metric{Stage: s.Name, Metric: name, Value: v})
			}
		}
	}
	return out
}

// HigherIsBetter reports whether a larger value of the metric is better
// (see stages.HigherIsBetter).
func HigherIsBetter(name string) bool { return stages.HigherIsBetter(name) }

// MetricRange is one key metric over every stage instance reporting it.
type MetricRange struct {
	Metric string `json:"metric"`
	// Count is how many stage instances report it.
	Count int     `json:"count"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
	// Best is the best value (see HigherIsBetter) and BestStage who reported it.
	Best      float64 `json:"best"`
	BestStage string  `json:"best_stage"`
}

// KeyMetricRanges condenses key metrics to one entry per metric name, in
// KeyMetricNames order: a sweep's points, or a base and a fine-tuned model,
// become one range.
func KeyMetricRanges(ms []Metric) []MetricRange {
	var out []MetricRange
	index := map[string]int{}
	for _, m := range ms {
		i, ok := index[m.Metric]
		if !ok {
			index[m.Metric] = len(out)
			out = append(out, MetricRange{Metric: m.Metric, Min: m.Value, Max: m.Value, Best: m.Value, BestStage: m.Stage})
			i = len(out) - 1
		}
		r := &out[i]
		r.Count++
		r.Min, r.Max = math.Min(r.Min, m.Value), math.Max(r.Max, m.Value)
		higher := HigherIsBetter(m.Metric)
		if (higher && m.Value > r.Best) || (!higher && m.Value < r.Best) {
			r.Best, r.BestStage = m.Value, m.Stage
		}
	}
	return out
}

// keyRank is the rank of name in KeyMetricNames (past the end when absent).
func keyRank(name string) int {
	for i, k := range KeyMetricNames {
		if k == name {
			return i
		}
	}
	return len(KeyMetricNames)
}

// Text writes the range for a listing: the value, or `min–max` over the
// instances reporting it.
func (r MetricRange) Text() string {
	if r.Count == 1 || r.Min == r.Max {
		return FormatMetric(r.Min)
	}
	return FormatMetric(r.Min) + "–" + FormatMetric(r.Max)
}
