package main

import (
	osexec "os/exec"
	"strings"
	"testing"
)

// definitions/baseline.yaml plans: its requirements file pins every
// package (the manifest will say it is locked), and the baseline waits on
// the split like the GoMLX classifier.
func TestBaselineDefinitionPlans(t *testing.T) {
	plainPython(t)
	ws := t.TempDir()
	code, out, errs := cli(t, "status", "../../definitions/baseline.yaml", "--workspace", ws)
	if code != 0 || !strings.Contains(out, "baseline (python): would run") || !strings.Contains(out, "quality (eval): would run") {
		t.Fatalf("status: exit %d\n%s%s", code, out, errs)
	}
}

// The scikit-learn baseline runs on the quickstart's split with an
// interpreter that has scikit-learn (the environment .ci/run makes), beats
// chance by far, and writes one prediction per test mail.
func TestBaselineDefinitionRuns(t *testing.T) {
	py := sdkPython(t)
	if out, err := osexec.Command(py, "-c", "import sklearn").CombinedOutput(); err != nil {
		t.Skipf("%s has no scikit-learn, which the baseline stage needs: %s", py, lastLine(string(out)))
	}
	ws := t.TempDir()
	def := "../../definitions/baseline.yaml"
	args := []string{"--workspace", ws, "--set", "python=" + py, "--set", "requirements="}
	if code, out, errs := cli(t, append([]string{"run", def, "baseline"}, args...)...); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	m := lastManifestIn(t, ws)
	b := stageRecord(t, m, "baseline")
	if b.Metrics["accuracy"] < 0.95 || b.Metrics["f1_macro"] < 0.9 {
		t.Errorf("baseline metrics %v", b.Metrics)
	}
	var preds, test int64
	for _, o := range b.Outputs {
		if o.Port == "predictions" && o.Rows != nil {
			preds = *o.Rows
		}
	}
	for _, o := range stageRecord(t, m, "sets").Outputs {
		if o.Port == "test" && o.Rows != nil {
			test = *o.Rows
		}
	}
	if preds == 0 || preds != test {
		t.Errorf("%d predictions for %d test mails", preds, test)
	}
}
