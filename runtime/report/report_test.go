package report

import (
	"bytes"
	"math"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func render(t *testing.T) (string, *Report) {
	t.Helper()
	ws, m := fixture(t)
	r := Build(ws, m)
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String(), r
}

func TestReportGolden(t *testing.T) {
	page, r := render(t)
	golden(t, "report.golden.html", []byte(page))
	again, _ := render(t)
	if again != page {
		t.Error("two renderings of one run differ")
	}
	if len(r.Curves) != 2 || len(r.Curves[1].Curves) != 2 || r.Curves[1].Stage != "lm" {
		t.Errorf("loss charts: %+v", r.Curves)
	}
	if len(r.Confusions) != 1 || r.Confusions[0].Counts[1][0] != 8 || len(r.Confusions[0].PerClass) != 2 {
		t.Errorf("confusions: %+v", r.Confusions)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "stage ghost") {
		t.Errorf("notes: %q", r.Notes)
	}
	if len(r.Sweep.Rows) != 2 {
		t.Errorf("sweep rows: %+v", r.Sweep.Rows)
	}
}

// external matches anything that would make a browser reach outside the page.
var external = []*regexp.Regexp{
	regexp.MustCompile(`(?i)https?:`),
	regexp.MustCompile(`(?i)\bsrc\s*=\s*["']?(?:[^"'\s>]*)`),
	regexp.MustCompile(`(?i)\bhref\s*=\s*["']?[^"'#\s>]`),
	regexp.MustCompile(`(?i)url\(\s*["']?[^#"'\s)]`),
	regexp.MustCompile(`(?i)@import|<link\b|<script\b|<iframe\b|<object\b|<embed\b|//[a-z0-9.-]+\.[a-z]{2,}/`),
}

func TestReportIsSelfContained(t *testing.T) {
	page, _ := render(t)
	for _, re := range external {
		for _, m := range re.FindAllString(page, -1) {
			if strings.Contains(strings.ToLower(m), "src") && strings.Contains(m, "data:") {
				continue
			}
			t.Errorf("the page refers outside itself: %q", m)
		}
	}
	// The checks catch what they are meant to.
	for _, bad := range []string{`<img src="x.png">`, `<a href="https://x.org/">`, `style="background:url(a.png)"`, `<link rel=stylesheet href=a.css>`} {
		found := false
		for _, re := range external {
			found = found || re.MatchString(bad)
		}
		if !found {
			t.Errorf("the check misses %q", bad)
		}
	}
}

func TestReportEscapes(t *testing.T) {
	page, _ := render(t)
	for _, raw := range []string{"<boom>", "demo <report>"} {
		if strings.Contains(page, raw) {
			t.Errorf("unescaped %q in the page", raw)
		}
	}
	if !strings.Contains(page, "&lt;boom&gt;") {
		t.Error("the failed stage's error is not shown")
	}
}

func TestLayoutDAG(t *testing.T) {
	_, m := fixture(t)
	d := LayoutDAG(m)
	layer := map[string]int{}
	for _, n := range d.Nodes {
		layer[n.Name] = n.Layer
	}
	want := map[string]int{"mail": 0, "classifier": 1, "quality": 2, "lm@train.lr=0.003": 1, "perplexity@train.lr=0.003": 2,
		"lm@train.lr=0.001": 1, "perplexity@train.lr=0.001": 2, "ghost": 0, "broken": 1, "after": 2}
	if !reflect.DeepEqual(layer, want) {
		t.Errorf("layers %v, want %v", layer, want)
	}
	if len(d.Edges) != 9 {
		t.Errorf("%d edges, want 9", len(d.Edges))
	}
	// No two boxes of a layer overlap, and all lie inside the drawing.
	for i, a := range d.Nodes {
		if a.X < 0 || a.Y < 0 || a.X+a.W > d.Width || a.Y+a.H > d.Height {
			t.Errorf("node %s outside the drawing", a.Name)
		}
		for _, b := range d.Nodes[i+1:] {
			if a.Layer == b.Layer && a.X < b.X+b.W && b.X < a.X+a.W {
				t.Errorf("nodes %s and %s overlap", a.Name, b.Name)
			}
		}
	}
}

func TestSplitFrom(t *testing.T) {
	for from, want := range map[string][2]string{
		"mail.data":               {"mail", "data"},
		"lm@train.lr=0.001.model": {"lm@train.lr=0.001", "model"},
		"solo":                    {"solo", ""},
	} {
		if s, p := splitFrom(from); s != want[0] || p != want[1] {
			t.Errorf("splitFrom(%q) = %q, %q", from, s, p)
		}
	}
}

func TestTicks(t *testing.T) {
	cases := []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		{0, 0.68, 5, []float64{0, 0.2, 0.4, 0.6, 0.8}},
		{1, 300, 6, []float64{0, 50, 100, 150, 200, 250, 300}},
		{5.8, 6.3, 5, []float64{5.8, 5.9, 6, 6.1, 6.2, 6.3}},
		{2, 2, 5, []float64{1.8, 1.9, 2, 2.1, 2.2}},
		{0, 0, 4, []float64{0, 0.5, 1}},
	}
	for _, c := range cases {
		got, _, _ := ticks(c.lo, c.hi, c.n)
		if len(got) != len(c.want) {
			t.Errorf("ticks(%v, %v) = %v, want %v", c.lo, c.hi, got, c.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-9 {
				t.Errorf("ticks(%v, %v) = %v, want %v", c.lo, c.hi, got, c.want)
				break
			}
		}
	}
	if l := tickLabel(0.6000000000000001); l != "0.6" {
		t.Errorf("tickLabel = %q", l)
	}
}

func TestThin(t *testing.T) {
	x := make([]float64, 1000)
	y := make([]float64, 1000)
	for i := range x {
		x[i], y[i] = float64(i), float64(i)
		if i%2 == 1 {
			y[i] = math.NaN()
		}
	}
	xs, ys := thin(x, y, 100)
	if len(xs) > 101 || len(xs) < 90 || xs[len(xs)-1] != 998 || len(xs) != len(ys) {
		t.Errorf("thinned to %d points ending at %v", len(xs), xs[len(xs)-1])
	}
	for _, v := range ys {
		if math.IsNaN(v) {
			t.Fatal("thinning kept a missing value")
		}
	}
	if xs, _ := thin(x[:10], y[:10], 100); len(xs) != 10 {
		t.Error("a short series was thinned")
	}
}

func TestBarsOrDots(t *testing.T) {
	cases := []struct {
		chart BarChart
		dots  bool
	}{
		{BarChart{Bars: []Bar{{"a", 6.01}, {"b", 5.97}}}, true},
		{BarChart{Bars: []Bar{{"a", 6.01}, {"b", 2}}}, false},
		{BarChart{Bars: []Bar{{"a", 0.97}, {"b", 0.98}}, Unit: true}, false},
		{BarChart{Bars: []Bar{{"a", 6.01}}}, false},
		{BarChart{Bars: []Bar{{"a", -1}, {"b", -1.1}}}, false},
		{BarChart{Bars: []Bar{{"a", 6}, {"b", math.NaN()}}}, false},
	}
	for i, c := range cases {
		if got := c.chart.dots(); got != c.dots {
			t.Errorf("case %d: dots() = %v, want %v", i, got, c.dots)
		}
		svg := string(c.chart.SVG())
		if strings.Contains(svg, "<circle") != c.dots {
			t.Errorf("case %d: drawn as %s", i, svg)
		}
	}
}

func TestEmptyChart(t *testing.T) {
	svg := string(LineChart{Title: "nothing", Series: []Series{{Label: "a", X: []float64{1}, Y: []float64{math.NaN()}}}}.SVG())
	if !strings.Contains(svg, "no values to plot") {
		t.Errorf("empty chart: %s", svg)
	}
}
