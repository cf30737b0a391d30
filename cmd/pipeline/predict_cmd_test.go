package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil"
)

// TestPretrainedPipelineAndPredict runs a definition that tokenizes with a
// Hugging Face model's tokenizer.json, fine-tunes the model with LoRA and
// predicts on its test split, then streams JSONL through `pipeline predict`.
func TestPretrainedPipelineAndPredict(t *testing.T) {
	bert := testutil.Fixture(t, "hf/tiny-bert")
	dir := t.TempDir()
	var lines []string
	for i := range 40 {
		text, label := "the cat sat on the mat", "ham"
		if i%2 == 1 {
			text, label = "win money now click here", "spam"
		}
		lines = append(lines, fmt.Sprintf(`{"id": "m%d", "text": %q, "label": %q}`, i, text, label))
	}
	if err := os.WriteFile(filepath.Join(dir, "mail.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	def := `version: 1
name: tiny
params: {model_dir: ` + bert + `}
stages:
  mail: {kind: ingest, with: {path: mail.jsonl, format: jsonl}}
  sets: {kind: split, inputs: {data: mail}, with: {fractions: {train: 0.8, test: 0.2}, key: id, stratify: label}}
  tokens: {kind: tokenize, inputs: {train: sets.train, test: sets.test}, with: {tokenizer: {type: file, path: "${model_dir}/tokenizer.json"}, column: text, max_length: 16}}
  classifier:
    kind: train
    inputs: {train: tokens.train}
    with: {model: {from: "${model_dir}", seq_len: 16}, lora: {rank: 2}, task: classification, steps: 4, batch_size: 8, lr: 0.05, warmup_steps: 0}
  predictions: {kind: predict, inputs: {model: classifier.model, data: tokens.test}}
`
	p := filepath.Join(dir, "p.yaml")
	if err := os.WriteFile(p, []byte(def), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := cli(t, "run", p); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	model := filepath.Join(dir, ".pipeline", "out", "p", "classifier", "model")
	for _, f := range []string{"config.json", "model.safetensors", "tokenizer.json", "adapter/adapter_model.safetensors"} {
		if _, err := os.Stat(filepath.Join(model, f)); err != nil {
			t.Errorf("model output: %v", err)
		}
	}
	in := filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(in, []byte(`{"id": 7, "text": "win money"}`+"\n"+`{"text": "the mat"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := cli(t, "predict", model, "--input", in, "--batch-size", "1")
	if code != 0 {
		t.Fatalf("predict: exit %d: %s", code, stderr)
	}
	out := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(out) != 2 {
		t.Fatalf("%d output lines: %q", len(out), stdout)
	}
	var first struct {
		ID          int                `json:"id"`
		Label       string             `json:"label"`
		Probability float64            `json:"probability"`
		Probs       map[string]float64 `json:"probs"`
	}
	if err := json.Unmarshal([]byte(out[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.ID != 7 || (first.Label != "ham" && first.Label != "spam") || first.Probs[first.Label] != first.Probability || len(first.Probs) != 2 {
		t.Errorf("first line %s", out[0])
	}
	for input, want := range map[string]string{
		"{\"text\": \"a\"}\nnot json\n": "line 2: not a JSON object",
		`{"body": "a"}`:                 `line 1: no "text" field`,
		`{"text": 3}`:                   `line 1: field "text" is not a string`,
	} {
		if err := os.WriteFile(in, []byte(input), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := cli(t, "predict", model, "--input", in); code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("%q: exit %d, %s; want 1 and %q", input, code, stderr, want)
		}
	}
}
