package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// The run summary prints plain numbers (a stage's own metrics too), what a
// cached stage once took, and why each skipped stage was skipped.
func TestRunSummaryWording(t *testing.T) {
	t.Setenv("PIPELINE_REMOTE", "")
	def := writeDef(t, `version: 1
name: words
stages:
  gen: {kind: exec, with: {cmd: "echo 1 > $PIPELINE_OUT/rows; echo '{\"rows\": 73420, \"my_score\": 0.000123}' > $PIPELINE_METRICS", outputs: [rows]}}
  bad: {kind: exec, inputs: {r: gen}, with: {cmd: "exit 3", outputs: [x]}}
  down: {kind: exec, inputs: {x: bad}, with: {cmd: "true", outputs: [y]}}
`)
	_, out, _ := cli(t, "run", def, "-j", "1")
	for _, want := range []string{"my_score=0.000123 rows=73420", "down  skipped  upstream `bad` failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "e+") {
		t.Errorf("summary prints exponents:\n%s", out)
	}
	_, out, _ = cli(t, "run", def, "-j", "1")
	if !strings.Contains(out, "gen   cached      (ran 0.") {
		t.Errorf("a cached stage does not say what it once took:\n%s", out)
	}
}

// status --exit-code says in its exit status whether anything would run;
// explain --json gives each instance's state and reasons.
func TestStatusExitCodeAndExplainJSON(t *testing.T) {
	t.Setenv("PIPELINE_REMOTE", "")
	def := writeDef(t, okDef)
	if code, _, _ := cli(t, "status", def, "--exit-code"); code != 1 {
		t.Errorf("status --exit-code before a run: exit %d, want 1", code)
	}
	if code, _, _ := cli(t, "status", def); code != 0 {
		t.Errorf("status without --exit-code: exit %d, want 0", code)
	}
	cli(t, "run", def)
	if code, out, errs := cli(t, "status", def, "--exit-code"); code != 0 {
		t.Errorf("status --exit-code after a run: exit %d\n%s%s", code, out, errs)
	}
	_, out, _ := cli(t, "explain", def, "sum", "--json", "--set", "n=5")
	var got struct {
		Stages []struct {
			Name, State string
			Reasons     []string
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Stages) != 1 || got.Stages[0].Name != "sum" || got.Stages[0].State == "" {
		t.Fatalf("explain --json: %v\n%s", err, out)
	}
}

// Flag values are checked, flag value names read as names, and the stage
// list says which ports each kind writes.
func TestFlagsAndStageList(t *testing.T) {
	if code, _, errs := cli(t, "status", writeDef(t, okDef), "--log-format", "yaml"); code != 2 || !strings.Contains(errs, "--log-format must be text or json") {
		t.Errorf("--log-format yaml: exit %d %s", code, errs)
	}
	_, help, _ := cli(t, "run", "--help")
	if strings.Contains(help, "--executor pipeline") || !strings.Contains(help, "--executor WHERE") {
		t.Errorf("run --help:\n%s", help)
	}
	_, list, _ := cli(t, "stages")
	if !strings.Contains(list, "outputs: data (the default port); rejected too with on_error: skip") {
		t.Errorf("stages does not list ingest's outputs:\n%s", list)
	}
}

// With on_error: skip, ingest has a second port, and a reference naming no
// port still reads its data.
func TestIngestDefaultPort(t *testing.T) {
	t.Setenv("PIPELINE_REMOTE", "")
	def := writeDef(t, `version: 1
name: rej
stages:
  raw: {kind: ingest, with: {path: d.jsonl, format: jsonl, on_error: skip}}
  use: {kind: exec, inputs: {data: raw}, with: {cmd: "cp $PIPELINE_IN_DATA $PIPELINE_OUT/o", outputs: [o]}}
`)
	writeFile(t, filepath.Join(filepath.Dir(def), "d.jsonl"), "{\"a\": 1}\nnot json\n")
	if code, out, errs := cli(t, "run", def); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	m := lastManifest(t, def)
	if use := stageRecord(t, m, "use"); use.Inputs[0].From != "raw.data" {
		t.Errorf("use reads %s", use.Inputs[0].From)
	}
}
