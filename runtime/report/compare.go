package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"sync"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/records"
)

// Input is one run of a comparison and the workspace holding its artifacts.
type Input struct {
	Workspace *runtime.Workspace
	Manifest  *artifacts.Manifest
}

// Comparison is what the page comparing several runs shows: the runs, their
// params side by side (differences marked), every metric with its change
// from the first run, each step metric's curves of all runs overlaid, and a
// parallel-coordinates plot of the params that differ against a key metric.
type Comparison struct {
	Runs  []ComparedRun
	Table *records.Comparison
	// Differing counts the params whose value is not the same in every run.
	Differing int
	// Curves holds one chart per definition stage and step metric.
	Curves []template.HTML
	// Parallel is the parallel-coordinates plot; empty when fewer than two
	// points or no param differs.
	Parallel template.HTML
	// Notes say what could not be shown and why.
	Notes []string
}

// ComparedRun is one run of a comparison.
type ComparedRun struct {
	// Label names the run in legends: its name, or its id.
	Label    string
	Color    string
	Manifest *artifacts.Manifest
	Summary  records.Summary
}

//go:embed compare.html.tmpl
var compareSource string

// comparePage is parsed on first use, not when the binary starts: most
// commands never write a page.
var comparePage = sync.OnceValue(func() *template.Template {
	return template.Must(template.Must(template.New("compare").Funcs(funcs).Funcs(template.FuncMap{
		"deltaClass": deltaClass,
		"optDelta":   optDelta,
		"short":      shortCommit,
		"param": func(v any) string {
			if v == nil {
				return "–"
			}
			return records.FormatValue(v)
		},
	}).Parse(compareSource)).Parse(styleSource))
})

// BuildComparison gathers the comparison of runs, the first being the
// baseline the changes are measured from. Histories that cannot be read
// become notes, not errors.
func BuildComparison(runs []Input) *Comparison {
	ms := make([]*artifacts.Manifest, len(runs))
	c := &Comparison{}
	for i, r := range runs {
		ms[i] = r.Manifest
		label := r.Manifest.Name
		if label == "" {
			label = r.Manifest.RunID
		}
		c.Runs = append(c.Runs, ComparedRun{Label: label, Color: color(i), Manifest: r.Manifest, Summary: records.Summarize(r.Manifest)})
	}
	c.Table = records.CompareRuns(ms)
	for _, p := range c.Table.Params {
		if p.Changed {
			c.Differing++
		}
	}
	c.Curves, c.Notes = overlaidCurves(runs, c.Runs)
	c.Parallel = parallelPlot(runs, c.Runs)
	return c
}

// WriteHTML renders the comparison as one self-contained HTML page.
func (c *Comparison) WriteHTML(w io.Writer) error {
	if err := comparePage().Execute(w, c); err != nil {
		return fmt.Errorf("rendering the comparison of %d runs: %w", len(c.Runs), err)
	}
	return nil
}

// WriteComparison builds the comparison of runs and renders it to w.
func WriteComparison(w io.Writer, runs []Input) error {
	return BuildComparison(runs).WriteHTML(w)
}

// overlaidCurves charts every step metric of every definition stage, one
// chart per stage and metric, with a line per run (and sweep point).
func overlaidCurves(runs []Input, labels []ComparedRun) ([]template.HTML, []string) {
	type chartKey struct{ stage, metric string }
	var order []chartKey
	charts := map[chartKey]*LineChart{}
	var notes []string
	for i, r := range runs {
		for j := range r.Manifest.Stages {
			st := &r.Manifest.Stages[j]
			if st.Status != runtime.StatusRan && st.Status != runtime.StatusCached {
				continue
			}
			h, err := records.ReadHistory(r.Workspace, st)
			if err != nil {
				notes = append(notes, fmt.Sprintf("run %s: %v", r.Manifest.RunID, err))
				continue
			}
			if h == nil {
				continue
			}
			in := records.ParseInstance(st.Name)
			label := labels[i].Label
			if p := pointText(in); p != "" {
				label += " (" + p + ")"
			}
			for _, name := range h.Names {
				if !hasValue(h.Values[name]) {
					continue
				}
				k := chartKey{in.Stage, name}
				ch, ok := charts[k]
				if !ok {
					ch = &LineChart{Title: in.Stage + " · " + name + " by step", XLabel: "step", YLabel: name}
					charts[k] = ch
					order = append(order, k)
				}
				// A run's lines share its colour; its sweep points are told apart by dashes.
				n := 0
				for _, s := range ch.Series {
					if s.Color == labels[i].Color {
						n++
					}
				}
				ch.Series = append(ch.Series, Series{Label: label, Color: labels[i].Color, X: h.Steps, Y: h.Values[name], Dashed: n%2 == 1, Markers: sparse(h.Values[name])})
			}
		}
	}
	out := make([]template.HTML, 0, len(order))
	for _, k := range order {
		out = append(out, charts[k].SVG())
	}
	return out, notes
}

// sparse reports whether a series has gaps (a validation loss every N
// steps), which read better as dots joined by a line.
func sparse(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) {
			return true
		}
	}
	return false
}

// deltaClass is a change's CSS class: better or worse by the metric's
// direction, or none when nothing changed.
func deltaClass(metric string, d *float64) string {
	if d == nil || *d == 0 || math.IsNaN(*d) {
		return ""
	}
	if (*d > 0) == records.HigherIsBetter(metric) {
		return "better"
	}
	return "worse"
}

// optDelta writes an optional change, signed.
func optDelta(d *float64) string {
	if d == nil || *d == 0 {
		return ""
	}
	return records.FormatDelta(*d)
}

// shortCommit is a commit hash's first 12 digits.
func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}
