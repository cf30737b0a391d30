package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// report over several runs writes the comparison page: params side by side,
// deltas, the step metrics of both runs overlaid, the parallel plot.
func TestReportComparesRuns(t *testing.T) {
	t.Setenv("PIPELINE_REMOTE", "")
	def := writeDef(t, stepsDef)
	for _, args := range [][]string{{"run", def, "--name", "high"}, {"run", def, "--set", "lr=0.25", "--name", "low"}} {
		if code, out, errs := cli(t, args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
	out := filepath.Join(t.TempDir(), "compare.html")
	if code, stdout, errs := cli(t, "report", "high", "low", "-f", def, "-o", out); code != 0 {
		t.Fatalf("report: exit %d\n%s%s", code, stdout, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{
		"2 runs compared",
		`<tr class="changed"><td><code>lr</code></td><td><code>0.5</code></td><td><code>0.25</code></td></tr>`,
		"fit · loss by step",
		`class="chart parallel"`,
		`>high</text>`, `>low</text>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the comparison page lacks %q", want)
		}
	}
	// One run is still the one-run page; an unknown run the usual error.
	if code, stdout, _ := cli(t, "report", "low", "-f", def); code != 0 || strings.Contains(stdout, "runs compared") || !strings.Contains(stdout, `id="dag"`) {
		t.Errorf("report of one run: exit %d", code)
	}
	if code, _, errs := cli(t, "report", "high", "nope", "-f", def); code != 2 || !strings.Contains(errs, "no such run") {
		t.Errorf("report with an unknown run: exit %d %q", code, errs)
	}
}
