package train

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train/data"
	"github.com/mlpipe/pipeline/stages/train/modelfile"
)

var testTokenizer = data.Tokenizer{Type: "test", VocabSize: 40, PadID: 0, Digest: "xxh3:test"}

// writeClassTable writes n rows whose label is "a" when their tokens come from
// the lower half of the vocabulary and "b" when from the upper half.
func writeClassTable(t testing.TB, path string, n int, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	rows, labels := make([][]int32, n), make([]string, n)
	for i := range rows {
		lo, label := 1, "a"
		if i%2 == 1 {
			lo, label = 20, "b"
		}
		row := make([]int32, 3+r.IntN(6))
		for j := range row {
			row[j] = int32(lo + r.IntN(19))
		}
		rows[i], labels[i] = row, label
	}
	if err := data.WriteTable(path, rows, "label", labels, testTokenizer); err != nil {
		t.Fatal(err)
	}
}

// writeLMTable writes rows of a repeating token pattern.
func writeLMTable(t testing.TB, path string, n int) {
	t.Helper()
	rows := make([][]int32, n)
	for i := range rows {
		row := make([]int32, 12)
		for j := range row {
			row[j] = int32(1 + (i+j)%7)
		}
		rows[i] = row
	}
	if err := data.WriteTable(path, rows, "", nil, testTokenizer); err != nil {
		t.Fatal(err)
	}
}

// newEnv makes an environment with fresh output and scratch directories.
func newEnv(t testing.TB, params map[string]any, inputs map[string]string, scratch string) *stages.Env {
	t.Helper()
	out := t.TempDir()
	if scratch == "" {
		scratch = t.TempDir()
	}
	return &stages.Env{Stage: "train", Inputs: inputs, OutDir: out, ScratchDir: scratch, Params: params, Seed: 7,
		Log: zerolog.New(io.Discard), Output: io.Discard, Progress: stages.NopProgress{}}
}

// dirDigest hashes every file under dir (names and contents).
func dirDigest(t testing.TB, dir string) string {
	t.Helper()
	var files []string
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, f)
		h.Write([]byte(rel + "\x00"))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func classInputs(t testing.TB) map[string]string {
	dir := t.TempDir()
	tr, va := filepath.Join(dir, "train"), filepath.Join(dir, "val")
	writeClassTable(t, tr, 64, 1)
	writeClassTable(t, va, 16, 2)
	return map[string]string{InputTrain: tr, InputVal: va}
}

func TestTrainClassifier(t *testing.T) {
	inputs := classInputs(t)
	params := map[string]any{"model": map[string]any{"type": "bag_of_tokens", "d_model": int64(16)},
		"batch_size": int64(8), "steps": int64(30), "lr": 0.05, "eval_every": int64(10), "checkpoint_every": int64(10)}
	env := newEnv(t, params, inputs, "")
	res, err := Kind{}.Run(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"train_loss", "val_loss", "steps", "tokens_per_second", "first_step_seconds", "trainable_params", "total_params", "resumed_from_step"} {
		if _, ok := res.Metrics[k]; !ok {
			t.Errorf("metric %s missing from %v", k, res.Metrics)
		}
	}
	if res.Metrics["steps"] != 30 || res.Metrics["resumed_from_step"] != 0 {
		t.Errorf("metrics %v", res.Metrics)
	}
	if res.Metrics["val_loss"] > 0.3 {
		t.Errorf("val_loss %.3f: the classifier did not learn a separable problem", res.Metrics["val_loss"])
	}
	if res.Metrics["trainable_params"] != res.Metrics["total_params"] {
		t.Errorf("a full training has %v trainable of %v params", res.Metrics["trainable_params"], res.Metrics["total_params"])
	}
	m, err := modelfile.Load(env.OutPath(PortModel))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(m.Meta.Labels, ",") != "a,b" || m.Meta.Tokenizer != testTokenizer || m.Meta.Model.SeqLen != 8 {
		t.Errorf("model meta %+v", m.Meta)
	}
	rows := readHistory(t, env.OutPath(PortHistory))
	if len(rows) != 3 || rows[2].step != 30 || !rows[2].hasVal {
		t.Errorf("history rows %+v", rows)
	}

	// The same definition gives the same model, bit for bit.
	env2 := newEnv(t, params, inputs, "")
	if _, err := (Kind{}).Run(context.Background(), env2); err != nil {
		t.Fatal(err)
	}
	if a, b := dirDigest(t, env.OutPath(PortModel)), dirDigest(t, env2.OutPath(PortModel)); a != b {
		t.Errorf("two runs gave different models: %s vs %s", a, b)
	}
}

func TestTrainLanguageModelWithAccumulationAndEarlyStopping(t *testing.T) {
	dir := t.TempDir()
	tr, va := filepath.Join(dir, "train"), filepath.Join(dir, "val")
	writeLMTable(t, tr, 20)
	writeLMTable(t, va, 4)
	params := map[string]any{"model": map[string]any{"type": "transformer_lm", "d_model": int64(16), "layers": int64(1), "heads": int64(2), "seq_len": int64(8)},
		"batch_size": int64(4), "steps": int64(200), "lr": 0.01, "grad_accum": int64(2), "eval_every": int64(5),
		"early_stopping": map[string]any{"patience": int64(1), "min_delta": 10.0}}
	env := newEnv(t, params, map[string]string{InputTrain: tr, InputVal: va}, "")
	res, err := Kind{}.Run(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	// min_delta 10 means no evaluation after the first counts as better: stop at the second.
	if res.Metrics["steps"] != 10 {
		t.Errorf("early stopping: trained %v steps, want 10", res.Metrics["steps"])
	}
	m, err := modelfile.Load(env.OutPath(PortModel))
	if err != nil {
		t.Fatal(err)
	}
	if m.Meta.Task != modelfile.LanguageModeling || m.Meta.Labels != nil {
		t.Errorf("model meta %+v", m.Meta)
	}
}
