package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// trackDef sweeps a scale over a scoring stage that reports an accuracy
// and a validation loss, the metrics it is judged by.
const trackDef = `version: 1
name: track
params: {n: 3, scale: 1}
sweep: {scale: [1, 2]}
stages:
  gen: {kind: exec, with: {cmd: "seq 1 ${n} > $PIPELINE_OUT/rows", outputs: [rows]}}
  score:
    kind: exec
    inputs: {rows: gen}
    key_metrics: [accuracy, val_loss]
    with:
      cmd: 'printf "{\"accuracy\": 0.%s%s, \"val_loss\": %s}" ${n} ${scale} ${scale} > $PIPELINE_METRICS; cp $PIPELINE_IN_ROWS $PIPELINE_OUT/out'
      outputs: [out]
`

// trackRuns runs trackDef twice (n=3, then n=4) and returns the definition
// and the two run ids.
func trackRuns(t *testing.T) (def, first, second string) {
	t.Helper()
	def = writeDef(t, trackDef)
	ids := make([]string, 2)
	for i, set := range []string{"n=3", "n=4"} {
		code, out, errs := cli(t, "run", def, "--set", set, "--json")
		if code != 0 {
			t.Fatalf("run: exit %d: %s", code, errs)
		}
		var res struct {
			RunID string `json:"run_id"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		ids[i] = res.RunID
	}
	return def, ids[0], ids[1]
}

func TestRunsListAndShow(t *testing.T) {
	def, first, second := trackRuns(t)
	ws := filepath.Join(filepath.Dir(def), ".pipeline")
	code, out, errs := cli(t, "runs", def)
	if code != 0 {
		t.Fatalf("runs: exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], second) || !strings.HasPrefix(lines[2], first) {
		t.Fatalf("listing is not newest first:\n%s", out)
	}
	for _, want := range []string{"track (n=4)", "succeeded", "accuracy=0.41–0.42", "val_loss=1–2"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("listing line lacks %q:\n%s", want, lines[1])
		}
	}
	// Another definition beside it shares the workspace: --workspace lists
	// every run, a definition only its own, and `latest` is per definition.
	other := filepath.Join(filepath.Dir(def), "other.yaml")
	if err := os.WriteFile(other, []byte("version: 1\nname: other\nstages:\n  a: {kind: exec, with: {cmd: \"echo > $PIPELINE_OUT/o\", outputs: [o]}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := cli(t, "run", other); code != 0 {
		t.Fatalf("run other: %s", errs)
	}
	if _, again, _ := cli(t, "runs", "-f", def); again != out {
		t.Errorf("the definition's listing changed after another definition ran:\n%s", again)
	}
	if _, all, _ := cli(t, "runs", "--workspace", ws); strings.Count(all, "\n") != 4 || !strings.Contains(all, " other ") {
		t.Errorf("--workspace does not list every run:\n%s", all)
	}
	_, js, _ := cli(t, "runs", def, "--json")
	var list []struct {
		ID     string `json:"id"`
		Ran    int    `json:"ran"`
		Cached int    `json:"cached"`
	}
	if err := json.Unmarshal([]byte(js), &list); err != nil || len(list) != 2 || list[0].ID != second || list[0].Ran != 3 || list[1].Ran != 3 {
		t.Errorf("runs --json: %v\n%s", err, js)
	}
	for _, ref := range []string{"latest", second, second[:len(second)-2], filepath.Join(ws, "runs", second)} {
		code, out, errs := cli(t, "runs", "show", ref, "-f", def)
		if code != 0 || !strings.Contains(out, "run         "+second) || !strings.Contains(out, "score@scale=2") || !strings.Contains(out, "metric  accuracy = 0.42") {
			t.Errorf("runs show %s: exit %d\n%s%s", ref, code, out, errs)
		}
	}
	_, js, _ = cli(t, "runs", "show", first, "--workspace", ws, "--json")
	var m struct {
		RunID string `json:"run_id"`
	}
	if err := json.Unmarshal([]byte(js), &m); err != nil || m.RunID != first {
		t.Errorf("runs show --json: %v\n%s", err, js)
	}
}

func TestRunsRmUnderRuns(t *testing.T) {
	def, first, second := trackRuns(t)
	if code, out, errs := cli(t, "runs", "rm", "latest", "-f", def); code != 0 || !strings.Contains(out, second) {
		t.Fatalf("runs rm latest: exit %d\n%s%s", code, out, errs)
	}
	_, out, _ := cli(t, "runs", def)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], first) {
		t.Errorf("after rm:\n%s", out)
	}
}

func TestRunsErrors(t *testing.T) {
	def, _, _ := trackRuns(t)
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no workspace", []string{"runs", "--workspace", filepath.Join(dir, "none")}, 2, "no workspace at"},
		{"missing definition", []string{"runs", filepath.Join(dir, "nope.yaml")}, 2, "cannot read the definition"},
		{"unknown run", []string{"runs", "show", "1999", "-f", def}, 2, "no such run"},
		{"ambiguous prefix", []string{"runs", "show", "2", "-f", def}, 2, "matches 2 runs"},
		{"too many arguments", []string{"runs", def, def}, 2, "at most 1 argument"},
		{"diff needs two runs", []string{"metrics", "diff", "latest", "-f", def}, 2, "expects at least 2 argument"},
		{"metrics alone", []string{"metrics"}, 2, "needs a subcommand"},
		{"report of an unknown run", []string{"report", "nope", "-f", def}, 2, "no such run"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := cli(t, c.args...)
			if code != c.code || !strings.Contains(out+errs, c.want) {
				t.Errorf("exit %d (want %d), output lacks %q?\nstdout: %s\nstderr: %s", code, c.code, c.want, out, errs)
			}
		})
	}
	empty := filepath.Join(dir, ".pipeline")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := cli(t, "runs", "--workspace", empty); code != 0 || out != "no runs recorded\n" {
		t.Errorf("empty workspace: exit %d, %q", code, out)
	}
}

func TestMetricsDiff(t *testing.T) {
	def, first, second := trackRuns(t)
	code, out, errs := cli(t, "metrics", "diff", first, second, "-f", def)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"n               3      4      +1 (+33.33%)",
		"--set n         3      4      +1 (+33.33%)",
		"gen             ran  ran  changed",
		"score@scale=1   accuracy  0.31  0.41  +0.1",
		"score@scale=2   accuracy  0.32  0.42  +0.1",
		"score@scale=2   val_loss  2     2     =",
	} {
		if !strings.Contains(squeeze(out), squeeze(want)) {
			t.Errorf("diff lacks %q:\n%s", want, out)
		}
	}
	_, js, _ := cli(t, "metrics", "diff", first, "latest", "-f", def, "--json")
	var d struct {
		Metrics []struct {
			Stage    string   `json:"stage"`
			Metric   string   `json:"metric"`
			Delta    *float64 `json:"delta"`
			Relative *float64 `json:"relative"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal([]byte(js), &d); err != nil || len(d.Metrics) != 4 {
		t.Fatalf("diff --json: %v\n%s", err, js)
	}
	if m := d.Metrics[0]; m.Stage != "score@scale=1" || m.Metric != "accuracy" || m.Delta == nil || *m.Delta < 0.0999 || *m.Delta > 0.1001 {
		t.Errorf("first metric row %+v", m)
	}
}

// squeeze collapses runs of spaces so column widths do not matter.
func squeeze(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestReportCommand(t *testing.T) {
	def, _, second := trackRuns(t)
	out := filepath.Join(t.TempDir(), "r.html")
	code, stdout, errs := cli(t, "report", "latest", "-f", def, "-o", out)
	if code != 0 || strings.TrimSpace(stdout) != out {
		t.Fatalf("report: exit %d\n%s%s", code, stdout, errs)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<!DOCTYPE html>", second, `<svg class="dag"`, `id="sweep"`, "score@scale=2"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// From the manifest's path, to stdout.
	manifest := filepath.Join(filepath.Dir(def), ".pipeline", "runs", second, "manifest.json")
	code, stdout, errs = cli(t, "report", manifest)
	if code != 0 || stdout != string(page) {
		t.Errorf("report of %s to stdout: exit %d, %d bytes (want the same page)\n%s", manifest, code, len(stdout), errs)
	}
}

// A stage's `key_metrics:` says what the listing shows and never enters
// its key: listing validation loss alone re-runs nothing and drops the
// accuracy from the next run's listing.
func TestKeyMetricsFieldOutsideTheKey(t *testing.T) {
	t.Setenv("PIPELINE_REMOTE", "")
	def := writeDef(t, trackDef)
	if code, _, errs := cli(t, "run", def); code != 0 {
		t.Fatalf("run: exit %d: %s", code, errs)
	}
	if err := os.WriteFile(def, []byte(strings.Replace(trackDef, "key_metrics: [accuracy, val_loss]", "key_metrics: [val_loss]", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := cli(t, "run", def)
	if code != 0 || !strings.Contains(out, "0 ran, 3 cached") {
		t.Fatalf("run after changing key_metrics: exit %d\n%s%s", code, out, errs)
	}
	_, out, _ = cli(t, "runs", def)
	newest := strings.Split(strings.TrimSpace(out), "\n")[1]
	if !strings.Contains(newest, "val_loss=1–2") || strings.Contains(newest, "accuracy") {
		t.Errorf("listing of the run with key_metrics [val_loss]:\n%s", out)
	}
}
