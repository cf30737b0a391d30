package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil/scancorpus"
)

// scanGateDef ingests a table, gates it and reads the gated data downstream.
const scanGateDef = `version: 1
name: gate
stages:
  raw:
    kind: ingest
    with: {path: data.jsonl, format: jsonl}
  secrets:
    kind: scan
    inputs: {data: raw}
  use:
    kind: exec
    inputs: {data: secrets.data}
    with: {cmd: "wc -c < $PIPELINE_IN_DATA > $PIPELINE_OUT/n", outputs: [n]}
  other:
    kind: exec
    with: {cmd: "echo independent > $PIPELINE_OUT/o", outputs: [o]}
`

// A scan gate passes its data through: the stage reading the gated data
// gets the very object ingest wrote once the gate passes, and never runs
// when the gate fails, even with --keep-going; the failed gate's findings
// stay readable with `cat --run`.
func TestScanGatePassesDataThrough(t *testing.T) {
	t.Setenv("PIPELINE_REMOTE", "")
	def := writeDef(t, scanGateDef)
	data := filepath.Join(filepath.Dir(def), "data.jsonl")
	writeFile(t, data, "{\"id\":1,\"text\":\"hello\"}\n{\"id\":2,\"text\":\"world\"}\n")
	if code, out, errs := cli(t, "run", def); code != 0 {
		t.Fatalf("clean data: exit %d\n%s%s", code, out, errs)
	}
	m := lastManifest(t, def)
	raw, gate, use := stageRecord(t, m, "raw"), stageRecord(t, m, "secrets"), stageRecord(t, m, "use")
	var passed string
	for _, o := range gate.Outputs {
		if o.Port == "data" {
			passed = o.Digest
		}
	}
	if passed == "" || passed != raw.Outputs[0].Digest || use.Inputs[0].Digest != passed || use.Status != "ran" {
		t.Fatalf("the gate did not pass the data through: raw %v, gate %v, use %v", raw.Outputs, gate.Outputs, use.Inputs)
	}

	leak := scancorpus.Families()
	var line string
	for _, f := range leak {
		if f.Name == "github-pat" {
			line = f.Make(scancorpus.NewFake(3)).Render()
		}
	}
	writeFile(t, data, "{\"id\":1,\"text\":\"hello\"}\n{\"id\":2,\"text\":"+quoteJSONString(line)+"}\n")
	code, out, errs := cli(t, "run", def, "--keep-going")
	if code != 1 {
		t.Fatalf("leaked data: exit %d, want 1\n%s%s", code, out, errs)
	}
	m = lastManifest(t, def)
	if st := stageRecord(t, m, "use").Status; st != "skipped" {
		t.Errorf("a stage reading the gated data %s after the gate failed", st)
	}
	if st := stageRecord(t, m, "other").Status; st == "skipped" {
		t.Errorf("an independent stage was skipped")
	}
	g := stageRecord(t, m, "secrets")
	if g.Status != "failed" || !strings.Contains(g.Error, "pipeline cat --run "+m.RunID) {
		t.Errorf("gate record: %s %q", g.Status, g.Error)
	}
	code, rows, errs := cli(t, "cat", def, "secrets.findings", "--run", m.RunID)
	if code != 0 || !strings.Contains(rows, "github") || strings.Contains(rows, line) {
		t.Errorf("cat of the failed gate's findings: exit %d\n%s%s", code, rows, errs)
	}
}

// quoteJSONString quotes s as a JSON string.
func quoteJSONString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
