package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// fanInDef sweeps a stage that writes a model and its score, then reduces
// the sweep: a select stage takes every point (`stage[*].port`) and passes
// on the best point's model; an exec stage lists what a fan-in holds.
const fanInDef = `version: 1
name: fan
params: {lr: 0.1}
sweep: {lr: [0.1, 0.3, 0.2]}
stages:
  fit:
    kind: exec
    with:
      cmd: "echo model-${lr} > $PIPELINE_OUT/model; echo '{\"metrics\": {\"accuracy\": ${lr}}}' > $PIPELINE_OUT/score"
      outputs: {model: file, score: file}
  best:
    kind: select
    inputs: {scores: "fit[*].score", candidates: "fit[*].model"}
    with: {metric: accuracy}
  list:
    kind: exec
    inputs: {models: "fit[*].model"}
    with: {cmd: "ls $PIPELINE_IN_MODELS > $PIPELINE_OUT/names; cat $PIPELINE_IN_MODELS/* > $PIPELINE_OUT/all", outputs: [names, all]}
`

// A fan-in port takes every sweep point of its upstream as one directory
// (a member per point, named by it); the reducing stages run once, and
// select passes on the best point's object.
func TestSweepFanInAndSelect(t *testing.T) {
	t.Setenv("PIPELINE_REMOTE", "")
	def := writeDef(t, fanInDef)
	if code, out, errs := cli(t, "run", def); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	m := lastManifest(t, def)
	var fits, bests int
	for _, s := range m.Stages {
		switch s.Stage {
		case "fit":
			fits++
		case "best", "list":
			bests++
		}
	}
	if fits != 3 || bests != 2 {
		t.Fatalf("%d fit instances, %d reducing instances; want 3 and 2", fits, bests)
	}
	best := stageRecord(t, m, "best")
	if len(best.Inputs) != 6 || best.Inputs[0].Port != "candidates/lr=0.1" {
		t.Errorf("select's inputs: %+v", best.Inputs)
	}
	var bestModel string
	for _, o := range best.Outputs {
		if o.Port == "best" {
			bestModel = o.Digest
		}
	}
	var want string
	for _, o := range stageRecord(t, m, "fit@lr=0.3").Outputs {
		if o.Port == "model" {
			want = o.Digest
		}
	}
	if bestModel == "" || bestModel != want {
		t.Errorf("select passed on %s, want fit@lr=0.3's model %s", bestModel, want)
	}
	_, choice, _ := cli(t, "cat", def, "best.choice")
	var ch struct {
		Best   string
		Value  float64
		Values map[string]float64
	}
	if err := json.Unmarshal([]byte(choice), &ch); err != nil || ch.Best != "lr=0.3" || ch.Value != 0.3 || len(ch.Values) != 3 {
		t.Errorf("choice %s (%v)", choice, err)
	}
	_, names, _ := cli(t, "cat", def, "list.names")
	if names != "lr=0.1\nlr=0.2\nlr=0.3\n" {
		t.Errorf("fan-in members:\n%s", names)
	}
	// A new sweep point re-runs the reductions, and only them and itself.
	writeFile(t, def, strings.Replace(fanInDef, "[0.1, 0.3, 0.2]", "[0.1, 0.3, 0.2, 0.9]", 1))
	cli(t, "run", def)
	m = lastManifest(t, def)
	for _, s := range m.Stages {
		want := "cached"
		if s.Name == "fit@lr=0.9" || s.Stage == "best" || s.Stage == "list" {
			want = "ran"
		}
		if s.Status != want {
			t.Errorf("%s %s, want %s", s.Name, s.Status, want)
		}
	}
	_, choice, _ = cli(t, "cat", def, "best.choice")
	if !strings.Contains(choice, `"best": "lr=0.9"`) {
		t.Errorf("choice after a better point: %s", choice)
	}
}
