package report

import (
	"html/template"
	"math"

	"github.com/mlpipe/pipeline/runtime/records"
)

// maxPlotPoints bounds the points drawn per series; longer series are thinned.
const maxPlotPoints = 400

// Series is one line of a line chart.
type Series struct {
	Label string
	Color string
	X, Y  []float64
	// Dashed draws the line dashed; Markers draws a dot at every point.
	Dashed, Markers bool
}

// LineChart is an x/y chart of one or more series.
type LineChart struct {
	Title, XLabel, YLabel string
	Series                []Series
}

// SVG draws the chart as inline SVG. NaN values break a series' line.
func (c LineChart) SVG() template.HTML {
	const (
		w, h                     = 620.0, 320.0
		left, right, top, bottom = 62.0, 16.0, 30.0, 44.0
	)
	legendRows := (len(c.Series) + 1) / 2
	height := h + float64(legendRows)*18
	xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range c.Series {
		for i := range s.X {
			if math.IsNaN(s.Y[i]) || math.IsInf(s.Y[i], 0) {
				continue
			}
			xlo, xhi = math.Min(xlo, s.X[i]), math.Max(xhi, s.X[i])
			ylo, yhi = math.Min(ylo, s.Y[i]), math.Max(yhi, s.Y[i])
		}
	}
	var b svgBuilder
	b.f(`<svg class="chart" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="%s">`, num(w), num(height), num(w), num(height), esc(c.Title))
	b.f(`<text class="title" x="%s" y="18">%s</text>`, num(left), esc(c.Title))
	if math.IsInf(xlo, 1) {
		b.f(`<text class="note" x="%s" y="%s">no values to plot</text></svg>`, num(left), num(h/2))
		return template.HTML(b.String())
	}
	if ylo > 0 && ylo < (yhi-ylo)*0.5 {
		ylo = 0 // losses read best from zero when they come close to it
	}
	xt, xmin, xmax := ticks(xlo, xhi, 6)
	yt, ymin, ymax := ticks(ylo, yhi, 5)
	pw, ph := w-left-right, h-top-bottom
	px := func(x float64) float64 { return left + (x-xmin)/(xmax-xmin)*pw }
	py := func(y float64) float64 { return top + ph - (y-ymin)/(ymax-ymin)*ph }
	b.f(`<g class="grid">`)
	for _, v := range yt {
		b.f(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(left), num(py(v)), num(left+pw), num(py(v)))
	}
	b.f(`</g><g class="axis">`)
	b.f(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(left), num(top+ph), num(left+pw), num(top+ph))
	b.f(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(left), num(top), num(left), num(top+ph))
	for _, v := range xt {
		b.f(`<text x="%s" y="%s" text-anchor="middle">%s</text>`, num(px(v)), num(top+ph+16), tickLabel(v))
	}
	for _, v := range yt {
		b.f(`<text x="%s" y="%s" text-anchor="end">%s</text>`, num(left-6), num(py(v)+4), tickLabel(v))
	}
	b.f(`<text x="%s" y="%s" text-anchor="middle">%s</text>`, num(left+pw/2), num(top+ph+34), esc(c.XLabel))
	b.f(`<text x="14" y="%s" text-anchor="middle" transform="rotate(-90 14 %s)">%s</text>`, num(top+ph/2), num(top+ph/2), esc(c.YLabel))
	b.f(`</g>`)
	for _, s := range c.Series {
		xs, ys := thin(s.X, s.Y, maxPlotPoints)
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		var pts svgBuilder
		flush := func() {
			if pts.Len() > 0 {
				b.f(`<polyline class="series" fill="none" stroke="%s" stroke-width="2"%s points="%s"/>`, s.Color, dash, pts.String())
				pts.Reset()
			}
		}
		for i := range xs {
			if math.IsNaN(ys[i]) || math.IsInf(ys[i], 0) {
				if !s.Markers { // markers-only series keep one line through their points
					flush()
				}
				continue
			}
			if pts.Len() > 0 {
				pts.WriteByte(' ')
			}
			pts.f("%s,%s", num(px(xs[i])), num(py(ys[i])))
		}
		flush()
		if s.Markers {
			for i := range xs {
				if !math.IsNaN(ys[i]) && !math.IsInf(ys[i], 0) {
					b.f(`<circle cx="%s" cy="%s" r="3" fill="%s"><title>%s: step %s, %s</title></circle>`,
						num(px(xs[i])), num(py(ys[i])), s.Color, esc(s.Label), tickLabel(xs[i]), records.FormatMetric(ys[i]))
				}
			}
		}
	}
	for i, s := range c.Series {
		lx := left + float64(i%2)*(pw/2)
		ly := h + float64(i/2)*18
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		b.f(`<g class="legend"><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"%s/>`, num(lx), num(ly-4), num(lx+22), num(ly-4), s.Color, dash)
		b.f(`<text x="%s" y="%s">%s</text></g>`, num(lx+28), num(ly), esc(s.Label))
	}
	b.f(`</svg>`)
	return template.HTML(b.String())
}

// thin keeps at most n of a series' points that have a value, evenly
// spaced, always keeping the last; shorter series come back as they are.
func thin(x, y []float64, n int) ([]float64, []float64) {
	if len(x) <= n {
		return x, y
	}
	var idx []int
	for i := range y {
		if !math.IsNaN(y[i]) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, nil
	}
	stride := (len(idx) + n - 1) / n
	if stride < 1 {
		stride = 1
	}
	var xs, ys []float64
	for k := 0; k < len(idx); k += stride {
		xs, ys = append(xs, x[idx[k]]), append(ys, y[idx[k]])
	}
	if last := idx[len(idx)-1]; xs[len(xs)-1] != x[last] {
		xs, ys = append(xs, x[last]), append(ys, y[last])
	}
	return xs, ys
}
