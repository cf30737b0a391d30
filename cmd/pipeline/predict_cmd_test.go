package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train"
	"github.com/mlpipe/pipeline/stages/train/data"
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
	long := `{"text": "` + strings.Repeat("a", 1<<20) + `"}`
	for input, want := range map[string]string{
		"{\"text\": \"a\"}\nnot json\n":       "line 2: not a JSON object",
		`{"body": "a"}`:                       `line 1: no "text" field`,
		`{"text": 3}`:                         `line 1: field "text" is not a string`,
		"{\"text\": \"a\"}\n\n" + long + "\n": "line 3: longer than 1048576 bytes",
	} {
		if err := os.WriteFile(in, []byte(input), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := cli(t, "predict", model, "--input", in); code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("%q: exit %d, %s; want 1 and %q", input, code, stderr, want)
		}
	}
}

// trainForPredict runs a train stage on rows of a tokenized table and returns its model directory.
func trainForPredict(t *testing.T, params map[string]any, rows [][]int32, labels []string, tk data.Tokenizer) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "train.parquet")
	label := ""
	if labels != nil {
		label = "label"
	}
	if err := data.WriteTable(in, rows, label, labels, tk); err != nil {
		t.Fatal(err)
	}
	e := &stages.Env{Stage: "train", Inputs: map[string]string{train.InputTrain: in}, OutDir: t.TempDir(), ScratchDir: t.TempDir(),
		Params: params, Log: zerolog.New(io.Discard), Output: io.Discard, Progress: stages.NopProgress{}}
	if _, err := (train.Kind{}).Run(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	return e.OutPath(train.PortModel)
}

// withStdin runs fn with os.Stdin reading text.
func withStdin(t *testing.T, text string, fn func()) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	old := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = old }()
	fn()
}

// TestPredictCommandLanguageModel streams JSONL from stdin through a
// fine-tuned GPT-2: greedy, sampled with a seed, top-k 1, bad flags.
func TestPredictCommandLanguageModel(t *testing.T) {
	tk := data.Tokenizer{Type: "file", VocabSize: 320, PadID: 0, Digest: "xxh3:tiny"}
	model := trainForPredict(t, map[string]any{"model": map[string]any{"from": testutil.Fixture(t, "hf/tiny-gpt2"), "seq_len": int64(16)},
		"steps": int64(2), "batch_size": int64(2), "checkpoint_every": int64(0)}, [][]int32{{10, 11, 12}, {40, 41}, {12, 13, 14, 15}}, nil, tk)
	in := "{\"id\": 1, \"text\": \"the cat\"}\n{\"text\": \"win money\"}\n{\"id\": \"x\", \"text\": \"on the mat and then some more\"}\n"
	run := func(args ...string) []map[string]any {
		t.Helper()
		var code int
		var stdout, stderr string
		withStdin(t, in, func() { code, stdout, stderr = cli(t, append([]string{"predict", model}, args...)...) })
		if code != 0 {
			t.Fatalf("predict %v: exit %d: %s", args, code, stderr)
		}
		var out []map[string]any
		for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
			var v map[string]any
			if err := json.Unmarshal([]byte(l), &v); err != nil {
				t.Fatalf("output line %q: %v", l, err)
			}
			out = append(out, v)
		}
		if len(out) != 3 {
			t.Fatalf("predict %v: %d lines: %s", args, len(out), stdout)
		}
		return out
	}
	greedy := run("--max-new-tokens", "20", "--batch-size", "2")
	if greedy[0]["id"] != 1.0 || greedy[1]["id"] != nil || greedy[2]["id"] != "x" {
		t.Errorf("ids: %v", greedy)
	}
	for i, l := range greedy {
		if n := len(l["generated_ids"].([]any)); n != 20 {
			t.Errorf("line %d: %d tokens generated, want 20", i+1, n)
		}
		if _, ok := l["generated"].(string); !ok {
			t.Errorf("line %d: no generated text: %v", i+1, l)
		}
	}
	sample := []string{"--max-new-tokens", "20", "--strategy", "sample", "--temperature", "1.5", "--top-p", "0.95", "--seed", "4"}
	a, b := run(append(sample, "--batch-size", "1")...), run(append(sample, "--batch-size", "3")...)
	if fmt.Sprint(a) != fmt.Sprint(b) || fmt.Sprint(a) == fmt.Sprint(greedy) {
		t.Errorf("sampled with one seed: %v\nand %v\n(greedy %v)", a, b, greedy)
	}
	if k1 := run(append(sample, "--top-k", "1")...); fmt.Sprint(k1) != fmt.Sprint(greedy) {
		t.Errorf("--top-k 1 %v differs from greedy %v", k1, greedy)
	}
	for _, c := range []struct{ args, want string }{
		{"--top-p 1.5", "--top-p 1.5: must be in (0, 1]"},
		{"--temperature 0", "--temperature 0: must be positive"},
		{"--strategy beam", `--strategy "beam": want greedy or sample`},
		{"--batch-size 0", "--batch-size 0: must be positive"},
		{"--max-new-tokens 0", "--max-new-tokens 0: must be positive"},
		{"--backend nope", `unknown backend "nope"`},
	} {
		if code, _, stderr := cli(t, append([]string{"predict", model}, strings.Fields(c.args)...)...); code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, %s; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}

// TestPredictCommandWithoutTokenizer: an engine-native model has no
// tokenizer.json, so text cannot go through it.
func TestPredictCommandWithoutTokenizer(t *testing.T) {
	tk := data.Tokenizer{Type: "test", VocabSize: 40, PadID: 0, Digest: "xxh3:test"}
	model := trainForPredict(t, map[string]any{"model": map[string]any{"type": "bag_of_tokens", "d_model": int64(8)}, "steps": int64(2),
		"batch_size": int64(2), "checkpoint_every": int64(0)}, [][]int32{{1, 2}, {30, 31}}, []string{"a", "b"}, tk)
	in := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(in, []byte(`{"text": "a"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := cli(t, "predict", model, "--input", in); code != 2 || !strings.Contains(stderr, "has no tokenizer.json") {
		t.Errorf("exit %d, %s", code, stderr)
	}
	if code, _, stderr := cli(t, "predict", filepath.Dir(model), "--input", in); code != 2 || !strings.Contains(stderr, "model output of a train stage") {
		t.Errorf("not a model directory: exit %d, %s", code, stderr)
	}
}
