package report

import (
	"html/template"
	"math"

	"github.com/mlpipe/pipeline/runtime/records"
)

// Bar is one bar of a bar chart.
type Bar struct {
	Label string
	Value float64
}

// BarChart is a horizontal bar chart of one quantity across labels.
type BarChart struct {
	Title string
	Bars  []Bar
	// Unit fixes the axis to [0, 1] (scores such as accuracy); otherwise it
	// runs from 0 (or the smallest negative value) to the largest value.
	Unit bool
}

// dots reports whether the values are better drawn as dots on an axis that
// does not start at zero: all positive and within a narrow band (losses of
// a sweep's points), where bars from zero would all look the same.
func (c BarChart) dots() bool {
	if c.Unit || len(c.Bars) < 2 {
		return false
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, bar := range c.Bars {
		if math.IsNaN(bar.Value) || math.IsInf(bar.Value, 0) {
			return false
		}
		lo, hi = math.Min(lo, bar.Value), math.Max(hi, bar.Value)
	}
	return lo > 0 && hi-lo < 0.25*hi
}

// SVG draws the chart as inline SVG: bars from zero, or dots on a narrower
// axis when the values lie close together.
func (c BarChart) SVG() template.HTML {
	const (
		w, barH, gap, top = 620.0, 20.0, 8.0, 30.0
		valueW, right     = 64.0, 12.0
	)
	labelW := 60.0
	for _, bar := range c.Bars {
		labelW = math.Max(labelW, textWidth(bar.Label, 12)+12)
	}
	labelW = math.Min(labelW, 300)
	h := top + float64(len(c.Bars))*(barH+gap) + 24
	dots := c.dots()
	lo, hi := 0.0, 0.0
	if dots {
		lo, hi = math.Inf(1), math.Inf(-1)
	}
	for _, bar := range c.Bars {
		if !math.IsNaN(bar.Value) && !math.IsInf(bar.Value, 0) {
			lo, hi = math.Min(lo, bar.Value), math.Max(hi, bar.Value)
		}
	}
	if c.Unit && lo >= 0 && hi <= 1 {
		hi = 1
	}
	tv, lo, hi := ticks(lo, hi, 4)
	pw := w - labelW - valueW - right
	px := func(v float64) float64 { return labelW + (v-lo)/(hi-lo)*pw }
	var b svgBuilder
	b.f(`<svg class="chart bars" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="%s">`, num(w), num(h), num(w), num(h), esc(c.Title))
	b.f(`<text class="title" x="4" y="18">%s</text>`, esc(c.Title))
	for i, bar := range c.Bars {
		y := top + float64(i)*(barH+gap)
		b.f(`<text class="label" x="%s" y="%s" text-anchor="end">%s</text>`, num(labelW-8), num(y+barH/2+4), esc(clip(bar.Label, 300, 12)))
		text := records.FormatMetric(bar.Value)
		switch {
		case math.IsNaN(bar.Value) || math.IsInf(bar.Value, 0):
		case dots:
			b.f(`<line class="guide" x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(px(lo)), num(y+barH/2), num(px(hi)), num(y+barH/2))
			b.f(`<circle cx="%s" cy="%s" r="6" fill="%s"><title>%s: %s</title></circle>`, num(px(bar.Value)), num(y+barH/2), color(i), esc(bar.Label), text)
		default:
			x0, x1 := px(math.Min(0, bar.Value)), px(math.Max(0, bar.Value))
			b.f(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s: %s</title></rect>`,
				num(x0), num(y), num(math.Max(x1-x0, 1)), num(barH), color(i), esc(bar.Label), text)
		}
		b.f(`<text class="value" x="%s" y="%s">%s</text>`, num(px(hi)+6), num(y+barH/2+4), text)
	}
	axisY := top + float64(len(c.Bars))*(barH+gap)
	b.f(`<g class="axis"><line x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(px(lo)), num(axisY), num(px(hi)), num(axisY))
	for _, v := range tv {
		b.f(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(px(v)), num(axisY), num(px(v)), num(axisY+4))
		b.f(`<text x="%s" y="%s" text-anchor="middle">%s</text>`, num(px(v)), num(axisY+16), tickLabel(v))
	}
	b.f(`</g>`)
	b.f(`</svg>`)
	return template.HTML(b.String())
}

// clip shortens text to fit a width in pixels at a font size.
func clip(s string, width, size float64) string {
	r := []rune(s)
	max := int(width / (size * 0.6))
	if len(r) <= max || max < 2 {
		return s
	}
	return string(r[:max-1]) + "…"
}
