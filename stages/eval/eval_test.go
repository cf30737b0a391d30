package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train"
	"github.com/mlpipe/pipeline/stages/train/data"
)

var tok = data.Tokenizer{Type: "test", VocabSize: 40, PadID: 0, Digest: "xxh3:test"}

// writeClassTable writes rows whose label ("a" or "b") decides which half of
// the vocabulary their tokens come from; every seventh row of "b" is noisy.
func writeClassTable(t testing.TB, path string, n int, seed uint64, tk data.Tokenizer, labels ...string) {
	t.Helper()
	if labels == nil {
		labels = []string{"a", "b"}
	}
	r := rand.New(rand.NewPCG(seed, 1))
	rows, ls := make([][]int32, n), make([]string, n)
	for i := range rows {
		k := i % len(labels)
		lo := 1 + 19*min(k, 1)
		if i%7 == 3 {
			lo = 10
		}
		row := make([]int32, 3+r.IntN(6))
		for j := range row {
			row[j] = int32(lo + r.IntN(19))
		}
		rows[i], ls[i] = row, labels[k]
	}
	if err := data.WriteTable(path, rows, "label", ls, tk); err != nil {
		t.Fatal(err)
	}
}

func env(t testing.TB, params map[string]any, inputs map[string]string) *stages.Env {
	return &stages.Env{Stage: "quality", Inputs: inputs, OutDir: t.TempDir(), ScratchDir: t.TempDir(), Params: params, Seed: 7,
		Log: zerolog.New(io.Discard), Output: io.Discard, Progress: stages.NopProgress{}}
}

// trainModel trains a small model and returns its directory.
func trainModel(t testing.TB, params map[string]any, trainPath string) string {
	t.Helper()
	e := env(t, params, map[string]string{train.InputTrain: trainPath})
	if _, err := (train.Kind{}).Run(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	return e.OutPath(train.PortModel)
}

func TestEvalClassifier(t *testing.T) {
	dir := t.TempDir()
	trainPath, testPath := filepath.Join(dir, "train"), filepath.Join(dir, "test")
	writeClassTable(t, trainPath, 64, 1, tok)
	writeClassTable(t, testPath, 30, 2, tok)
	model := trainModel(t, map[string]any{"model": map[string]any{"d_model": int64(16)}, "batch_size": int64(8), "steps": int64(30), "lr": 0.05}, trainPath)

	inputs := map[string]string{InputModel: model, InputData: testPath}
	e := env(t, map[string]any{"batch_size": int64(7)}, inputs)
	res, err := Kind{}.Run(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range classificationMetrics {
		if _, ok := res.Metrics[k]; !ok {
			t.Errorf("metric %s missing from %v", k, res.Metrics)
		}
	}
	if res.Metrics[Accuracy] < 0.8 {
		t.Errorf("accuracy %.3f on an almost separable problem", res.Metrics[Accuracy])
	}
	got, err := os.ReadFile(filepath.Join(e.OutPath(PortMetrics), "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	// Paths differ between runs; the golden file holds the report without digests.
	golden := filepath.Join("testdata", "classifier-metrics.golden")
	text := stripDigests(string(got))
	testutil.Golden(t, golden, []byte(text))
	for _, f := range []string{"metrics.ndjson"} {
		b, err := os.ReadFile(filepath.Join(e.OutPath(PortMetrics), f))
		if err != nil || !bytes.Contains(b, []byte(`"schema_version":1`)) || !bytes.Contains(b, []byte(`"data_digest":"xxh3:`)) {
			t.Errorf("%s: %s %v", f, b, err)
		}
	}
	for _, f := range []string{"per_class.parquet", "confusion.parquet", PredictionsFile} {
		if _, err := os.Stat(filepath.Join(e.OutPath(PortTables), f)); err != nil {
			t.Error(err)
		}
	}
	// The per-example table agrees with the accuracy.
	pr, err := table.OpenColumns(filepath.Join(e.OutPath(PortTables), PredictionsFile), []string{"correct"})
	if err != nil {
		t.Fatal(err)
	}
	var rows, correct int
	for {
		rec, err := pr.Next()
		if err != nil {
			break
		}
		col := rec.Column(0).(*array.Boolean)
		for i := range col.Len() {
			rows++
			if col.Value(i) {
				correct++
			}
		}
		rec.Release()
	}
	pr.Close()
	if rows == 0 || float64(correct)/float64(rows) != res.Metrics[Accuracy] {
		t.Errorf("predictions table: %d of %d correct, accuracy %v", correct, rows, res.Metrics[Accuracy])
	}

	// A second evaluation writes the same bytes.
	e2 := env(t, map[string]any{"batch_size": int64(7)}, inputs)
	if _, err := (Kind{}).Run(context.Background(), e2); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"metrics/metrics.json", "metrics/metrics.ndjson", "tables/per_class.parquet", "tables/confusion.parquet", "tables/" + PredictionsFile} {
		a, _ := os.ReadFile(filepath.Join(e.OutDir, f))
		b, _ := os.ReadFile(filepath.Join(e2.OutDir, f))
		if f == "metrics/metrics.json" || f == "metrics/metrics.ndjson" {
			a, b = []byte(stripDigests(string(a))), []byte(stripDigests(string(b)))
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two evaluations", f)
		}
	}

	// Only the metrics asked for reach the manifest.
	e3 := env(t, map[string]any{"metrics": []any{"accuracy", "f1", "cross_entropy"}}, inputs)
	res3, err := Kind{}.Run(context.Background(), e3)
	if err != nil {
		t.Fatal(err)
	}
	if len(res3.Metrics) != 3 || res3.Metrics[F1Macro] != res.Metrics[F1Macro] {
		t.Errorf("metrics [accuracy f1 cross_entropy] gave %v", res3.Metrics)
	}
}

func stripDigests(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, "_digest") {
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

func TestEvalMismatches(t *testing.T) {
	dir := t.TempDir()
	trainPath := filepath.Join(dir, "train")
	writeClassTable(t, trainPath, 32, 1, tok)
	model := trainModel(t, map[string]any{"model": map[string]any{"d_model": int64(8)}, "batch_size": int64(8), "steps": int64(2)}, trainPath)

	otherVocab := filepath.Join(dir, "vocab")
	writeClassTable(t, otherVocab, 8, 3, data.Tokenizer{VocabSize: 50, PadID: 0})
	otherTok := filepath.Join(dir, "tok")
	writeClassTable(t, otherTok, 8, 3, data.Tokenizer{VocabSize: 40, PadID: 0, Digest: "xxh3:other"})
	newLabel := filepath.Join(dir, "labels")
	writeClassTable(t, newLabel, 8, 3, tok, "a", "c")
	tests := []struct {
		name, data string
		params     map[string]any
		want       string
	}{
		{"vocabulary size", otherVocab, nil, "vocabulary size 50 but the model was trained with 40"},
		{"tokenizer digest", otherTok, nil, "tokenized by tokenizer xxh3:other"},
		{"unknown label", newLabel, nil, `labels ["c"] that the model does not know`},
		{"missing label column", trainPath, map[string]any{"label": "category"}, `no label column "category"`},
		{"window_stride on a classifier", trainPath, map[string]any{"window_stride": int64(2)}, "window_stride: applies to language models"},
		{"lm metric on a classifier is fine, classifier metric on lm is not", trainPath, map[string]any{"metrics": []any{"bleu"}}, `unknown metric "bleu"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Kind{}.Run(context.Background(), env(t, tc.params, map[string]string{InputModel: model, InputData: tc.data}))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Run = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestEvalLanguageModel(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lm")
	rows := make([][]int32, 10)
	for i := range rows {
		rows[i] = []int32{1, 2, 3, 4, 5, 6, 7, 8}
	}
	if err := data.WriteTable(path, rows, "", nil, tok); err != nil {
		t.Fatal(err)
	}
	model := trainModel(t, map[string]any{"model": map[string]any{"type": "transformer_lm", "d_model": int64(16), "layers": int64(1), "heads": int64(2), "seq_len": int64(8)},
		"batch_size": int64(4), "steps": int64(40), "lr": 0.02}, path)
	res, err := Kind{}.Run(context.Background(), env(t, nil, map[string]string{InputModel: model, InputData: path}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Metrics) != 2 || res.Metrics[CrossEntropy] <= 0 || res.Metrics[CrossEntropy] > 1.5 {
		t.Errorf("metrics %v: want cross_entropy well under log(40) = 3.7 on a repeating pattern", res.Metrics)
	}
	_, err = Kind{}.Run(context.Background(), env(t, map[string]any{"metrics": []any{"accuracy"}}, map[string]string{InputModel: model, InputData: path}))
	if err == nil || !strings.Contains(err.Error(), "needs a classification model") {
		t.Errorf("accuracy of a language model: %v", err)
	}

	// Sliding windows: 80 tokens, windows of 8 every 2 tokens up to the
	// first that reaches the end (starts 0, 2, ..., 72), each of the 79
	// targets scored once; a stride of seq_len is the default's windows.
	report := func(params map[string]any) *Report {
		t.Helper()
		e := env(t, params, map[string]string{InputModel: model, InputData: path})
		if _, err := (Kind{}).Run(context.Background(), e); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(e.OutPath(PortMetrics), "metrics.json"))
		if err != nil {
			t.Fatal(err)
		}
		var r Report
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		return &r
	}
	plain, same, sliding := report(nil), report(map[string]any{"window_stride": int64(8)}), report(map[string]any{"window_stride": int64(2)})
	if plain.Examples != 10 || plain.Tokens != 79 || sliding.Examples != 37 || sliding.Tokens != 79 {
		t.Errorf("disjoint windows %d scoring %d tokens, sliding %d scoring %d; want 10 and 37, 79 tokens each",
			plain.Examples, plain.Tokens, sliding.Examples, sliding.Tokens)
	}
	if same.Metrics[CrossEntropy] != plain.Metrics[CrossEntropy] {
		t.Errorf("window_stride = seq_len gives %v, the default %v", same.Metrics, plain.Metrics)
	}
	_, err = Kind{}.Run(context.Background(), env(t, map[string]any{"window_stride": int64(9)}, map[string]string{InputModel: model, InputData: path}))
	if err == nil || !strings.Contains(err.Error(), "window_stride: 9 is more than the model's seq_len 8") {
		t.Errorf("a stride above seq_len: %v", err)
	}
}

func TestPlan(t *testing.T) {
	tests := []struct {
		params map[string]any
		want   string
	}{
		{map[string]any{"metrics": []any{"accuracy", "f1", "cross_entropy", "perplexity"}}, ""},
		{map[string]any{"metrics": []any{"auc"}}, `unknown metric "auc"`},
		{map[string]any{"batch_size": int64(0)}, "with.batch_size: must be at least 1, got 0"},
		{map[string]any{"backend": "xla"}, "-tags xla"},
	}
	for _, tc := range tests {
		plan, err := Kind{}.Plan(stages.PlanRequest{Params: tc.params, Inputs: []string{InputModel, InputData}})
		if tc.want == "" {
			if err != nil || len(plan.Outputs) != 2 {
				t.Errorf("Plan(%v) = %v, %v", tc.params, plan, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Plan(%v) = %v, want %q", tc.params, err, tc.want)
		}
	}
}
