//go:build xla

package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/stages/train/backend"
)

// xlaCPUDef trains a small transformer classifier, evaluates it and predicts
// with it, every stage on the backend named by the param.
const xlaCPUDef = `version: 1
name: xla-cpu
params: {backend: go}
stages:
  mail:
    kind: ingest
    with: {path: mail.jsonl, format: jsonl}
  sets:
    kind: split
    inputs: {data: mail}
    with: {fractions: {train: 0.8, test: 0.2}, seed: 3, key: id}
  tokens:
    kind: tokenize
    inputs: {train: sets.train, test: sets.test}
    with: {tokenizer: {type: bpe, vocab_size: 300, train_on: train}, column: text, max_length: 32}
  model:
    kind: train
    inputs: {train: tokens.train}
    with:
      task: classification
      label: label
      model: {type: transformer_classifier, d_model: 32, layers: 1, heads: 2, seq_len: 32}
      steps: 30
      batch_size: 16
      lr: 3.0e-3
      backend: "${backend}"
  quality:
    kind: eval
    inputs: {model: model.model, data: tokens.test}
    with: {metrics: [accuracy, cross_entropy], backend: "${backend}"}
  guesses:
    kind: predict
    inputs: {model: model.model, data: tokens.test}
    with: {backend: "${backend}"}
`

// writeMail writes n labelled lines whose label a word of the text decides.
func writeMail(t *testing.T, path string, n int) {
	t.Helper()
	r := rand.New(rand.NewPCG(5, 6))
	words := []string{"meeting", "report", "lunch", "project", "invoice", "weekend", "family", "notes"}
	spam := []string{"winner", "prize", "offer", "free"}
	var b strings.Builder
	for i := range n {
		label := i % 2
		var w []string
		for range 6 {
			w = append(w, words[r.IntN(len(words))])
		}
		if label == 1 {
			w[r.IntN(len(w))] = spam[r.IntN(len(spam))]
		}
		fmt.Fprintf(&b, "{\"id\": %d, \"text\": %q, \"label\": %d}\n", i, strings.Join(w, " "), label)
	}
	writeFile(t, path, b.String())
}

// TestXLACPUTrainsEvaluatesAndPredicts runs train, eval and predict through a
// PJRT CPU plugin (scripts/xla/check.sh installs one from PyPI and runs this
// test) and checks the run matches SimpleGo's on the same definition.
func TestXLACPUTrainsEvaluatesAndPredicts(t *testing.T) {
	if err := backend.Check("xla:cpu", "float32"); err != nil {
		t.Skipf("no PJRT CPU plugin here (%v): scripts/xla/check.sh installs one and runs this test", err)
	}
	metrics := map[string]map[string]float64{}
	for _, b := range []string{"go", "xla:cpu"} {
		def := writeDef(t, xlaCPUDef)
		writeMail(t, filepath.Join(filepath.Dir(def), "mail.jsonl"), 240)
		if code, out, errs := cli(t, "run", def, "--set", "backend="+b); code != 0 {
			t.Fatalf("run on %s: exit %d\n%s\n%s", b, code, out, errs)
		}
		m := lastManifest(t, def)
		metrics[b] = map[string]float64{}
		for _, st := range []string{"model", "quality"} {
			for k, v := range stageRecord(t, m, st).Metrics {
				metrics[b][st+"."+k] = v
			}
		}
		preds, err := os.ReadFile(filepath.Join(filepath.Dir(def), ".pipeline", "out", "p", "guesses", "predictions"))
		if err != nil || len(preds) == 0 {
			t.Fatalf("predict on %s wrote no predictions: %v", b, err)
		}
	}
	// The backends sum in different orders, and 30 AdamW steps carry those
	// float32 differences along: the figures agree to 0.01, not bit for bit.
	for _, k := range []string{"model.train_loss", "quality.cross_entropy", "quality.accuracy"} {
		g, x := metrics["go"][k], metrics["xla:cpu"][k]
		if math.IsNaN(x) || math.Abs(g-x) > 0.01 {
			t.Errorf("%s: SimpleGo %v, xla:cpu %v: the backends disagree", k, g, x)
		}
	}
	if acc := metrics["xla:cpu"]["quality.accuracy"]; acc < 0.9 {
		t.Errorf("accuracy on xla:cpu %v: the model did not learn a one-word rule", acc)
	}
}
