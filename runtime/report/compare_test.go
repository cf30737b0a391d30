package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/artifacts"
)

// compared renders the fixture run beside a second run of it with a lower
// learning rate, another loss history and a better accuracy.
func compared(t *testing.T) (string, *Comparison) {
	t.Helper()
	ws, m := fixture(t)
	b := *m
	b.RunID = "20260102T100000.000Z-dddddd"
	b.Name = "low-lr"
	b.Status = "succeeded"
	b.Params = map[string]any{"seed": 7.0, "train": map[string]any{"lr": 0.001, "steps": 120.0}, "labels": []any{"ham", "spam"}}
	b.Stages = append([]artifacts.StageRecord{}, m.Stages...)
	for i := range b.Stages {
		st := &b.Stages[i]
		switch st.Name {
		case "classifier":
			st.Outputs = []artifacts.PortRecord{port("model", "", digest(10), 1<<20, nil, true), port("history", "", digest(21), 2500, ptr(120), false)}
			st.Metrics = map[string]float64{"val_loss": 0.05, "steps": 300}
		case "quality":
			st.Metrics = map[string]float64{"accuracy": 0.9918, "f1_macro": 0.9789, "precision_macro": 0.98, "recall_macro": 0.977}
		}
	}
	c := BuildComparison([]Input{{Workspace: ws, Manifest: m}, {Workspace: ws, Manifest: &b}})
	var buf bytes.Buffer
	if err := c.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String(), c
}

func TestComparisonGolden(t *testing.T) {
	page, _ := compared(t)
	golden(t, "compare.golden.html", []byte(page))
	if again, _ := compared(t); again != page {
		t.Error("two renderings of one comparison differ")
	}
}

func TestComparisonContent(t *testing.T) {
	page, c := compared(t)
	// Params: the differing one highlighted, the same ones not.
	if !regexp.MustCompile(`<tr class="changed"><td><code>train\.lr</code></td><td><code>0\.003</code></td><td><code>0\.001</code></td></tr>`).MatchString(page) {
		t.Error("train.lr is not a highlighted row with both values")
	}
	if !strings.Contains(page, `<tr><td><code>seed</code></td>`) || strings.Contains(page, `<tr class="changed"><td><code>seed</code>`) {
		t.Error("seed, the same in both runs, is not a plain row")
	}
	if c.Differing != 1 || !strings.Contains(page, "1 of 4 differ") {
		t.Errorf("differing params: %d", c.Differing)
	}
	// Metric deltas against the first run, judged by the metric's direction.
	if !strings.Contains(page, `0.9918<span class="delta better">&#43;0.01</span>`) {
		t.Error("no better accuracy delta")
	}
	// val_loss 0.0482521 -> 0.05 is worse: lower is better.
	if !strings.Contains(page, `0.05<span class="delta worse">&#43;0.0017479</span>`) {
		t.Error("no worse val_loss delta")
	}
	if strings.Contains(page, `<span class="delta "></span>`) {
		t.Error("an empty delta for a metric that did not change")
	}
	// Curves: one chart per stage and step metric, a line per run.
	if len(c.Curves) == 0 {
		t.Fatal("no curves")
	}
	var loss string
	for _, ch := range c.Curves {
		if strings.Contains(string(ch), "classifier · train_loss by step") {
			loss = string(ch)
		}
	}
	if loss == "" {
		t.Fatal("no classifier train_loss chart")
	}
	for _, col := range []string{color(0), color(1)} {
		if !strings.Contains(loss, `stroke="`+col+`" stroke-width="2" points=`) {
			t.Errorf("the train_loss chart has no line of colour %s", col)
		}
	}
	if !strings.Contains(loss, ">low-lr</text>") {
		t.Error("the second run is not in the legend by name")
	}
	// Every step metric of the history is charted, not only the losses.
	if !strings.Contains(page, "classifier · tokens_per_second by step") {
		t.Error("a non-loss step metric is not charted")
	}
	// A sweep run's points are overlaid too.
	if !strings.Contains(page, "lm · train_loss by step") || !strings.Contains(page, "(train.lr=0.001)") {
		t.Error("the sweep's instances are not charted")
	}
	// Parallel coordinates: the differing param and the key metric as axes,
	// a line per point (two sweep points of the first run, two of the second).
	if c.Parallel == "" {
		t.Fatal("no parallel-coordinates plot")
	}
	par := string(c.Parallel)
	if !strings.Contains(par, `text-anchor="middle">train.lr</text>`) || !strings.Contains(par, `text-anchor="middle">accuracy</text>`) {
		t.Errorf("parallel axes missing:\n%s", par)
	}
	if n := strings.Count(par, `<polyline`); n != 4 {
		t.Errorf("%d lines in the parallel plot, want 4", n)
	}
	for _, re := range external {
		if m := re.FindString(page); m != "" {
			t.Errorf("the page refers outside itself: %q", m)
		}
	}
	if strings.Contains(page, "demo <report>") {
		t.Error("unescaped definition name")
	}
}
