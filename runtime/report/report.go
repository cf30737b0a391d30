// Package report renders one run as a self-contained HTML page: the stage
// graph, each stage's status, time and cache result, the parameters, the
// training loss curves, the metrics as charts, the confusion matrices and
// the sweep table. Everything is inline (styles and SVG); the page loads
// nothing from anywhere, and the same run always gives the same bytes.
package report

import (
	"slices"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/records"
	"github.com/mlpipe/pipeline/stages"
)

// Report is what the page shows, gathered from a manifest and the artifacts
// it names.
type Report struct {
	Manifest *artifacts.Manifest
	Summary  records.Summary
	// KeyMetrics condenses the summary's key metrics to one entry per name.
	KeyMetrics []records.MetricRange
	DAG        DAG
	Params     []records.Param
	Overrides  []records.Param
	// Swept lists each swept parameter with the values its points took.
	Swept []records.Param
	// Curves holds the loss curves, one chart per definition stage (a sweep's
	// instances share a chart).
	Curves []LossChart
	// Scores are per-stage charts of the [0, 1] scores an eval stage reports.
	Scores []BarChart
	// Comparisons chart one metric across the stage instances reporting it.
	Comparisons []BarChart
	Confusions  []*Confusion
	Sweep       records.SweepTable
	// Notes say what could not be shown and why (an artifact missing from the store).
	Notes []string
}

// LossChart is the loss curves of the instances of one definition stage.
type LossChart struct {
	Stage  string
	Curves []*LossCurve
}

// Build gathers a run's report. Artifacts that cannot be read (collected
// by gc, or from another workspace) become notes, not errors.
func Build(ws *runtime.Workspace, m *artifacts.Manifest) *Report {
	r := &Report{
		Manifest:  m,
		Summary:   records.Summarize(m),
		DAG:       LayoutDAG(m),
		Params:    records.Flatten(m.Params),
		Overrides: records.Flatten(m.Overrides),
		Sweep:     records.Sweep(m),
	}
	r.KeyMetrics = records.KeyMetricRanges(r.Summary.Metrics)
	for i, axis := range r.Sweep.Axes {
		var values []string
		for _, row := range r.Sweep.Rows {
			if v := row.Point[i]; !slices.Contains(values, v) {
				values = append(values, v)
			}
		}
		r.Swept = append(r.Swept, records.Param{Key: axis, Value: strings.Join(values, ", ")})
	}
	charts := map[string]int{}
	for i := range m.Stages {
		st := &m.Stages[i]
		if st.Status != runtime.StatusRan && st.Status != runtime.StatusCached {
			continue
		}
		curve, err := readLossCurve(ws, st)
		if err != nil {
			r.Notes = append(r.Notes, err.Error())
		} else if curve != nil {
			stage := records.ParseInstance(st.Name).Stage
			ci, ok := charts[stage]
			if !ok {
				ci = len(r.Curves)
				charts[stage] = ci
				r.Curves = append(r.Curves, LossChart{Stage: stage})
			}
			r.Curves[ci].Curves = append(r.Curves[ci].Curves, curve)
		}
		conf, err := readConfusion(ws, st)
		if err != nil {
			r.Notes = append(r.Notes, err.Error())
		} else if conf != nil {
			r.Confusions = append(r.Confusions, conf)
		}
		if chart, ok := scoreChart(st); ok {
			r.Scores = append(r.Scores, chart)
		}
	}
	r.Comparisons = comparisonCharts(m)
	return r
}

// isScore reports whether a metric is a score in [0, 1] worth a bar: one
// where higher is better (accuracy, precision, recall, F1, AUC).
func isScore(name string) bool { return stages.HigherIsBetter(name) }

// scoreChart charts the scores a stage reports, when it reports two or more.
func scoreChart(st *artifacts.StageRecord) (BarChart, bool) {
	c := BarChart{Title: st.Name + ": scores", Unit: true}
	for _, name := range sortedMetrics(st) {
		if isScore(name) {
			c.Bars = append(c.Bars, Bar{Label: name, Value: st.Metrics[name]})
		}
	}
	return c, len(c.Bars) >= 2
}

// comparisonCharts charts a metric across the stage instances reporting
// it, when there are two or more to compare: the instances of one
// definition stage (a sweep's points), or stages of kinds that score on
// held-out data (stages.Scorer: eval, baseline), whose metrics compare
// across stages (a base model against its fine-tuned one, a model beside its
// baseline). Only key metrics and held-out scores are charted; the rest are
// in the tables.
func comparisonCharts(m *artifacts.Manifest) []BarChart {
	type group struct {
		title  string
		metric string
		bars   []Bar
	}
	groups := map[string]*group{}
	var order []string
	for i := range m.Stages {
		st := &m.Stages[i]
		stage := records.ParseInstance(st.Name).Stage
		heldOut := records.ScoresHeldOut(st.Kind)
		for _, name := range sortedMetrics(st) {
			if !slices.Contains(st.KeyMetrics, name) && !heldOut {
				continue
			}
			key, title := stage+"\x00"+name, stage+" · "+name
			if heldOut {
				key, title = "\x00"+name, name+" by stage"
			}
			g, ok := groups[key]
			if !ok {
				g = &group{title: title, metric: name}
				groups[key] = g
				order = append(order, key)
			}
			g.bars = append(g.bars, Bar{Label: st.Name, Value: st.Metrics[name]})
		}
	}
	var out []BarChart
	for _, key := range order {
		if g := groups[key]; len(g.bars) >= 2 {
			out = append(out, BarChart{Title: g.title, Bars: g.bars, Unit: isScore(g.metric)})
		}
	}
	return out
}
