package report

import (
	"html/template"
	"math"
	"sort"
	"strconv"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime/records"
)

// Point is one line of a parallel-coordinates plot: a run, or one sweep
// point of a run, with its param values and the metric it reached.
type Point struct {
	Label  string
	Color  string
	Params map[string]string
	// Metric is the plotted metric's value (NaN when the point has none).
	Metric float64
}

// ParallelPlot draws points across a vertical axis per param and one for
// the metric.
type ParallelPlot struct {
	Title  string
	Axes   []string
	Metric string
	Points []Point
}

// sweepPoints lists the points of the runs: each sweep point of a run
// with a sweep (its params with the point's values), or the run itself.
// A point's metric value is the best the stage instances it reached
// report, for the first key metric any point reports.
func sweepPoints(runs []Input, labels []ComparedRun) ([]Point, string) {
	type raw struct {
		Point
		metrics map[string][]float64
	}
	var pts []raw
	for i, r := range runs {
		m := r.Manifest
		base := map[string]string{}
		for _, p := range records.Flatten(m.Params) {
			base[p.Key] = records.FormatValue(p.Value)
		}
		sw := records.Sweep(m)
		rows := sw.Rows
		if len(rows) == 0 {
			rows = []records.SweepRow{{}}
		}
		for _, row := range rows {
			p := raw{Point: Point{Label: labels[i].Label, Color: labels[i].Color, Params: map[string]string{}}, metrics: map[string][]float64{}}
			for k, v := range base {
				p.Params[k] = v
			}
			text := ""
			for a, axis := range sw.Axes {
				if row.Point[a] != "" {
					p.Params[axis] = row.Point[a]
					if text != "" {
						text += ", "
					}
					text += axis + "=" + row.Point[a]
				}
			}
			if text != "" {
				p.Label += " (" + text + ")"
			}
			for _, st := range m.Stages {
				in := records.ParseInstance(st.Name)
				reached := true
				for _, a := range in.Point {
					if p.Params[a.Key] != a.Value {
						reached = false
					}
				}
				if !reached {
					continue
				}
				for k, v := range st.Metrics {
					p.metrics[k] = append(p.metrics[k], v)
				}
			}
			pts = append(pts, p)
		}
	}
	metric := ""
	var ms []*artifacts.Manifest
	for _, r := range runs {
		ms = append(ms, r.Manifest)
	}
	for _, name := range records.KeyMetricNames(ms...) {
		for _, p := range pts {
			if _, ok := p.metrics[name]; ok && metric == "" {
				metric = name
			}
		}
	}
	out := make([]Point, len(pts))
	for i, p := range pts {
		p.Metric = math.NaN()
		for _, v := range p.metrics[metric] {
			higher := records.HigherIsBetter(metric)
			if math.IsNaN(p.Metric) || (higher && v > p.Metric) || (!higher && v < p.Metric) {
				p.Metric = v
			}
		}
		out[i] = p.Point
	}
	return out, metric
}

// parallelPlot draws the runs' points across the params that differ
// among them and the key metric; nothing when there are fewer than two
// points or no param differs.
func parallelPlot(runs []Input, labels []ComparedRun) template.HTML {
	pts, metric := sweepPoints(runs, labels)
	if len(pts) < 2 {
		return ""
	}
	keys := map[string]bool{}
	for _, p := range pts {
		for k := range p.Params {
			keys[k] = true
		}
	}
	var axes []string
	for k := range keys {
		v0, ok0 := pts[0].Params[k]
		for _, p := range pts[1:] {
			if v, ok := p.Params[k]; ok != ok0 || v != v0 {
				axes = append(axes, k)
				break
			}
		}
	}
	if len(axes) == 0 {
		return ""
	}
	sort.Strings(axes)
	return ParallelPlot{Title: "params and " + metric, Axes: axes, Metric: metric, Points: pts}.SVG()
}

// axisScale places values on an axis: numbers linearly (or on a log scale
// when all are positive and span more than a factor of 20), anything else
// as evenly spaced categories in order. It returns each value's position
// in [0, 1] and the tick labels with their positions.
func axisScale(values []string) (map[string]float64, []string, []float64) {
	pos := map[string]float64{}
	nums := map[string]float64{}
	numeric := true
	for _, v := range values {
		if v == "" {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			numeric = false
			break
		}
		nums[v] = f
	}
	var uniq []string
	for _, v := range values {
		if _, seen := pos[v]; !seen && v != "" {
			pos[v] = 0
			uniq = append(uniq, v)
		}
	}
	if numeric && len(nums) > 0 {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, f := range nums {
			lo, hi = math.Min(lo, f), math.Max(hi, f)
		}
		scale := func(f float64) float64 { return f }
		if lo > 0 && hi/lo > 20 {
			scale = math.Log10
		}
		a, b := scale(lo), scale(hi)
		for v, f := range nums {
			if b > a {
				pos[v] = (scale(f) - a) / (b - a)
			} else {
				pos[v] = 0.5
			}
		}
		sort.Slice(uniq, func(i, j int) bool { return nums[uniq[i]] < nums[uniq[j]] })
	} else {
		sort.Strings(uniq)
		for i, v := range uniq {
			if len(uniq) > 1 {
				pos[v] = float64(i) / float64(len(uniq)-1)
			} else {
				pos[v] = 0.5
			}
		}
	}
	var ticks []float64
	for _, v := range uniq {
		ticks = append(ticks, pos[v])
	}
	return pos, uniq, ticks
}

// SVG draws the plot as inline SVG: an axis per param and one for the
// metric (best at the top), a line per point in its run's colour.
func (p ParallelPlot) SVG() template.HTML {
	const (
		axisGap, left, right, top, bottom = 150.0, 70.0, 90.0, 48.0, 40.0
		ph                                = 240.0
	)
	n := len(p.Axes) + 1
	w := left + right + axisGap*float64(n-1)
	legendRows := len(p.Points)
	h := top + ph + bottom + float64(legendRows)*18
	var b svgBuilder
	b.f(`<svg class="chart parallel" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="%s">`, num(w), num(h), num(w), num(h), esc(p.Title))
	b.f(`<text class="title" x="%s" y="18">%s</text>`, num(left-50), esc(p.Title))
	x := func(i int) float64 { return left + axisGap*float64(i) }
	y := func(t float64) float64 { return top + ph - t*ph }
	// Param axes.
	positions := make([]map[string]float64, len(p.Axes))
	for i, axis := range p.Axes {
		var values []string
		for _, pt := range p.Points {
			values = append(values, pt.Params[axis])
		}
		pos, labels, ticks := axisScale(values)
		positions[i] = pos
		b.f(`<g class="axis"><line x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(x(i)), num(top), num(x(i)), num(top+ph))
		b.f(`<text x="%s" y="%s" text-anchor="middle">%s</text>`, num(x(i)), num(top-12), esc(axis))
		for k, t := range ticks {
			b.f(`<text x="%s" y="%s" text-anchor="end">%s</text>`, num(x(i)-5), num(y(t)+4), esc(labels[k]))
		}
		b.f(`</g>`)
	}
	// The metric axis.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, pt := range p.Points {
		if !math.IsNaN(pt.Metric) {
			lo, hi = math.Min(lo, pt.Metric), math.Max(hi, pt.Metric)
		}
	}
	mi := len(p.Axes)
	metricPos := func(v float64) float64 {
		if math.IsNaN(v) {
			return math.NaN()
		}
		t := 0.5
		if hi > lo {
			t = (v - lo) / (hi - lo)
		}
		if p.Metric != "" && !records.HigherIsBetter(p.Metric) {
			t = 1 - t // best at the top
		}
		return t
	}
	b.f(`<g class="axis"><line x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(x(mi)), num(top), num(x(mi)), num(top+ph))
	name := p.Metric
	if name == "" {
		name = "(no key metric)"
	}
	b.f(`<text x="%s" y="%s" text-anchor="middle">%s</text>`, num(x(mi)), num(top-12), esc(name))
	if !math.IsInf(lo, 1) {
		for _, v := range []float64{lo, hi} {
			b.f(`<text x="%s" y="%s">%s</text>`, num(x(mi)+6), num(y(metricPos(v))+4), records.FormatMetric(v))
		}
	}
	b.f(`</g>`)
	// The points.
	for k, pt := range p.Points {
		var pts svgBuilder
		for i, axis := range p.Axes {
			if v, ok := pt.Params[axis]; ok && v != "" {
				if pts.Len() > 0 {
					pts.WriteByte(' ')
				}
				pts.f("%s,%s", num(x(i)), num(y(positions[i][v])))
			}
		}
		if t := metricPos(pt.Metric); !math.IsNaN(t) {
			pts.f(" %s,%s", num(x(mi)), num(y(t)))
		}
		b.f(`<polyline class="series" fill="none" stroke="%s" stroke-width="2" stroke-opacity="0.85" points="%s"><title>%s: %s %s</title></polyline>`,
			pt.Color, pts.String(), esc(pt.Label), esc(name), records.FormatMetric(pt.Metric))
		ly := top + ph + bottom + float64(k)*18
		b.f(`<g class="legend"><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"/>`, num(left-50), num(ly-4), num(left-28), num(ly-4), pt.Color)
		b.f(`<text x="%s" y="%s">%s: %s</text></g>`, num(left-22), num(ly), esc(pt.Label), records.FormatMetric(pt.Metric))
	}
	b.f(`</svg>`)
	return template.HTML(b.String())
}
