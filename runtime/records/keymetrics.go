package records

import "github.com/mlpipe/pipeline/artifacts"

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

// isKeyMetric reports whether name is one of KeyMetricNames, and its rank.
func keyRank(name string) int {
	for i, k := range KeyMetricNames {
		if k == name {
			return i
		}
	}
	return len(KeyMetricNames)
}

// MetricLabels names each metric for a compact listing: the metric's name
// alone when no other entry has it, else `stage/metric`.
func MetricLabels(ms []Metric) []string {
	count := map[string]int{}
	for _, m := range ms {
		count[m.Metric]++
	}
	labels := make([]string, len(ms))
	for i, m := range ms {
		labels[i] = m.Metric
		if count[m.Metric] > 1 {
			labels[i] = m.Stage + "/" + m.Metric
		}
	}
	return labels
}
