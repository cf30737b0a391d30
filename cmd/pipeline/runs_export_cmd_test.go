package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/runtime/mlflow"
)

// stepsDef logs a loss a step to $PIPELINE_STEPS and a final accuracy to
// $PIPELINE_METRICS, for a learning rate given as a parameter.
const stepsDef = `version: 1
name: steps
params: {lr: 0.5}
stages:
  fit:
    kind: exec
    key_metrics: [accuracy]
    with:
      cmd: >-
        for i in 1 2 3; do echo "{\"step\": $$i, \"loss\": $$(awk "BEGIN{print ${lr}/$$i}")}" >> $PIPELINE_STEPS; done;
        echo '{"accuracy": 0.75}' > $PIPELINE_METRICS; echo weights > $PIPELINE_OUT/model
      outputs: {model: file, history: table}
`

func TestRunsExportMLflow(t *testing.T) {
	t.Setenv("PIPELINE_REMOTE", "")
	def := writeDef(t, stepsDef)
	for _, args := range [][]string{{"run", def, "--name", "first", "--tag", "team=nlp", "--note", "the first"}, {"run", def, "--set", "lr=0.25"}} {
		if code, out, errs := cli(t, args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
	store := filepath.Join(t.TempDir(), "mlruns")
	code, out, errs := cli(t, "runs", "export", "--mlflow", store, "-f", def, "--json")
	if code != 0 {
		t.Fatalf("export: exit %d\n%s%s", code, out, errs)
	}
	var exported []mlflow.Exported
	if err := json.Unmarshal([]byte(out), &exported); err != nil || len(exported) != 2 {
		t.Fatalf("export output %q: %v", out, err)
	}
	first, second := exported[0], exported[1]
	if first.Experiment != "steps" || first.ExperimentID != second.ExperimentID || first.RunID != mlflow.RunID(first.PipelineRunID) {
		t.Errorf("exported: %+v", exported)
	}
	run := filepath.Join(store, second.ExperimentID, second.RunID)
	want := map[string]string{
		"params/lr":           "0.25",
		"metrics/accuracy":    " 0.75 0\n",
		"tags/mlflow.runName": second.PipelineRunID,
	}
	for p, w := range want {
		b, err := os.ReadFile(filepath.Join(run, p))
		if err != nil || !strings.HasSuffix(string(b), w) {
			t.Errorf("%s = %q (%v), want …%q", p, b, err, w)
		}
	}
	loss, err := os.ReadFile(filepath.Join(run, "metrics", "fit.loss"))
	if lines := strings.Split(strings.TrimSpace(string(loss)), "\n"); err != nil || len(lines) != 3 ||
		!strings.HasSuffix(lines[0], " 0.25 1") || !strings.HasSuffix(lines[2], " 0.0833333 3") {
		t.Errorf("fit.loss history: %q (%v)", loss, err)
	}
	for p, w := range map[string]string{"tags/team": "nlp", "tags/mlflow.note.content": "the first", "meta.yaml": "run_name: first\n"} {
		b, err := os.ReadFile(filepath.Join(store, first.ExperimentID, first.RunID, p))
		if err != nil || !strings.Contains(string(b), w) {
			t.Errorf("first run's %s = %q (%v), want %q in it", p, b, err, w)
		}
	}
	if target, err := os.Readlink(filepath.Join(run, "artifacts", "fit", "model")); err != nil || !strings.Contains(target, filepath.Join(".pipeline", "objects")) {
		t.Errorf("model artifact links to %q (%v)", target, err)
	}

	// One run by reference, again: the same MLflow run.
	code, out, errs = cli(t, "runs", "export", "--mlflow", store, "latest", "-f", def)
	if code != 0 || !strings.Contains(out, second.RunID) {
		t.Errorf("re-export of latest: exit %d\n%s%s", code, out, errs)
	}
	entries, _ := os.ReadDir(filepath.Join(store, second.ExperimentID))
	if len(entries) != 3 { // meta.yaml and two runs
		t.Errorf("experiment holds %d entries after a re-export, want 3", len(entries))
	}

	// Bad input.
	_, _, showErr := cli(t, "runs", "show", "nope", "-f", def)
	code, _, errs = cli(t, "runs", "export", "--mlflow", store, "nope", "-f", def)
	if code != 2 || errs != showErr || !strings.Contains(errs, "no such run") {
		t.Errorf("unknown run: exit %d %q, want 2 and runs show's %q", code, errs, showErr)
	}
	notStore := t.TempDir()
	os.WriteFile(filepath.Join(notStore, "notes.txt"), []byte("mine"), 0o644)
	code, _, errs = cli(t, "runs", "export", "--mlflow", notStore, "-f", def)
	if code != 2 || !strings.Contains(errs, "not an MLflow file store") {
		t.Errorf("a directory that is not a store: exit %d %q", code, errs)
	}
	if code, _, errs = cli(t, "runs", "export", "-f", def); code != 2 || !strings.Contains(errs, "--mlflow") {
		t.Errorf("no --mlflow: exit %d %q", code, errs)
	}
}
