package records

import (
	"math"
	"slices"
	"sort"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/stages"
)

// KeyNames are the metrics a run is judged and compared by, most telling
// first, as its stages' kinds declare them (stages.Plan.KeyMetrics).
type KeyNames []string

// KeyMetricNames returns the key metric names the stages of the manifests
// declare: those of stages scoring on held-out data (stages.Scorer: eval,
// baseline) first, then the others', each stage's in the order it declares
// them, stages in manifest order. A classifier's run is judged by its
// test accuracy before its validation loss.
func KeyMetricNames(ms ...*artifacts.Manifest) KeyNames {
	type ranked struct {
		name           string
		heldOut, index int
		seen           int
	}
	best := map[string]*ranked{}
	seen := 0
	for _, m := range ms {
		for _, st := range m.Stages {
			heldOut := 1
			if ScoresHeldOut(st.Kind) {
				heldOut = 0
			}
			for i, name := range st.KeyMetrics {
				r, ok := best[name]
				if !ok {
					best[name] = &ranked{name: name, heldOut: heldOut, index: i, seen: seen}
					seen++
					continue
				}
				if heldOut < r.heldOut || (heldOut == r.heldOut && i < r.index) {
					r.heldOut, r.index = heldOut, i
				}
			}
		}
	}
	all := make([]*ranked, 0, len(best))
	for _, r := range best {
		all = append(all, r)
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.heldOut != b.heldOut {
			return a.heldOut < b.heldOut
		}
		if a.index != b.index {
			return a.index < b.index
		}
		return a.seen < b.seen
	})
	out := make(KeyNames, len(all))
	for i, r := range all {
		out[i] = r.name
	}
	return out
}

// ScoresHeldOut reports whether the stages of a kind score on held-out
// data (stages.Scorer), so that their metrics compare across stages.
func ScoresHeldOut(kind string) bool {
	k, ok := stages.Lookup(kind)
	if !ok {
		return false
	}
	s, ok := k.(stages.Scorer)
	return ok && s.ScoresHeldOut()
}

// Rank is the rank of name among the key metrics, len(k) when it is not one.
func (k KeyNames) Rank(name string) int {
	if i := slices.Index(k, name); i >= 0 {
		return i
	}
	return len(k)
}

// Has reports whether name is a key metric.
func (k KeyNames) Has(name string) bool { return slices.Contains(k, name) }

// Sort sorts names in place, key metrics first in rank order, then the
// rest by name, and returns them.
func (k KeyNames) Sort(names []string) []string {
	sort.Slice(names, func(i, j int) bool {
		if ri, rj := k.Rank(names[i]), k.Rank(names[j]); ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	return names
}

// Metric is one metric a stage instance reported.
type Metric struct {
	Stage  string  `json:"stage"`
	Metric string  `json:"metric"`
	Value  float64 `json:"value"`
}

// KeyMetrics returns the run's key metrics: for each of its KeyMetricNames,
// every stage instance that declares and reports it, in stage order.
func KeyMetrics(m *artifacts.Manifest) []Metric {
	var out []Metric
	for _, name := range KeyMetricNames(m) {
		for _, s := range m.Stages {
			if v, ok := s.Metrics[name]; ok && slices.Contains(s.KeyMetrics, name) {
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
// the order given: a sweep's points, or a base and a fine-tuned model,
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

// Text writes the range for a listing: the value, or `min–max` over the
// instances reporting it.
func (r MetricRange) Text() string {
	if r.Count == 1 || r.Min == r.Max {
		return FormatMetric(r.Min)
	}
	return FormatMetric(r.Min) + "–" + FormatMetric(r.Max)
}
