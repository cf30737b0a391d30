package main

import (
	"strings"
	"testing"
)

// `run FILE STAGE` runs the stage and what it needs, nothing downstream; a
// sweep instance can be named alone; a typo is a usage error with a hint.
func TestRunTargets(t *testing.T) {
	def := writeDef(t, `version: 1
name: targets
params: {lr: 0.1}
sweep: {lr: [0.1, 0.3]}
stages:
  data: {kind: exec, with: {cmd: "echo rows > $PIPELINE_OUT/o", outputs: [o]}}
  other: {kind: exec, with: {cmd: "echo other > $PIPELINE_OUT/o", outputs: [o]}}
  train: {kind: exec, inputs: {x: data}, with: {cmd: "echo ${lr} > $PIPELINE_OUT/o", outputs: [o]}}
  report: {kind: exec, inputs: {x: train}, with: {cmd: "cat $PIPELINE_IN_X > $PIPELINE_OUT/o", outputs: [o]}}
`)
	code, out, errs := cli(t, "run", def, "train@lr=0.3", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	for _, want := range []string{`"name":"data"`, `"name":"train@lr=0.3"`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in %s", want, out)
		}
	}
	for _, not := range []string{`"name":"other"`, `"name":"train@lr=0.1"`, `"name":"report`} {
		if strings.Contains(out, not) {
			t.Errorf("ran %s: %s", not, out)
		}
	}
	code, out, _ = cli(t, "run", def, "report", "--json")
	if code != 0 || strings.Count(out, `"name":"report@`) != 2 || strings.Contains(out, `"name":"other"`) {
		t.Errorf("run report: %d %s", code, out)
	}
	if code, _, errs := cli(t, "run", def, "trian"); code != 2 || !strings.Contains(errs, "no stage `trian` to run, did you mean `train`?") {
		t.Errorf("typo: %d %s", code, errs)
	}
}
