package report

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// palette colours series and bars (colour-blind friendly, Okabe–Ito).
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"}

// color returns the i-th palette colour, cycling.
func color(i int) string { return palette[i%len(palette)] }

// esc escapes text for SVG and HTML.
func esc(s string) string { return html.EscapeString(s) }

// num writes an SVG coordinate: two decimals at most, no trailing zeros.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// svgBuilder accumulates SVG markup.
type svgBuilder struct{ strings.Builder }

func (b *svgBuilder) f(format string, args ...any) { fmt.Fprintf(&b.Builder, format, args...) }

// ticks returns about n round tick values covering [lo, hi] (steps of 1, 2
// or 5 times a power of ten), and the range they span.
func ticks(lo, hi float64, n int) (vals []float64, min, max float64) {
	if !(hi > lo) {
		if lo == 0 {
			hi = 1
		} else {
			lo, hi = lo-math.Abs(lo)*0.1, hi+math.Abs(hi)*0.1
		}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	// The slack keeps float noise (5.8/0.1 = 57.99…) from adding a tick.
	min = math.Floor(lo/step+1e-9) * step
	max = math.Ceil(hi/step-1e-9) * step
	for v := min; v <= max+step/2; v += step {
		// Round away float noise so labels print cleanly.
		vals = append(vals, math.Round(v/step)*step)
	}
	return vals, min, max
}

// tickLabel writes a tick value compactly.
func tickLabel(v float64) string {
	if v == 0 {
		return "0"
	}
	a := math.Abs(v)
	if a >= 1e5 || a < 1e-3 {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	return strconv.FormatFloat(v, 'g', 6, 64) // six digits drop float noise (0.6000000000000001)
}

// textWidth estimates the width in pixels of text at a font size.
func textWidth(s string, size float64) float64 {
	return float64(len([]rune(s))) * size * 0.6
}
