package predict

import (
	"bytes"
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train"
	"github.com/mlpipe/pipeline/stages/train/data"
	"github.com/mlpipe/pipeline/stages/train/engine"
)

var tok = data.Tokenizer{Type: "file", VocabSize: 320, PadID: 0, Digest: "xxh3:tiny"}

func env(t *testing.T, params map[string]any, inputs map[string]string) *stages.Env {
	return &stages.Env{Stage: "s", Inputs: inputs, OutDir: t.TempDir(), ScratchDir: t.TempDir(), Params: params, Seed: 3,
		Log: zerolog.New(io.Discard), Output: io.Discard, Progress: stages.NopProgress{}}
}

// fixture trains a tiny pretrained model for two steps and returns its model
// directory and the table it trained on.
func fixture(t *testing.T, model string, labels []string) (string, string) {
	t.Helper()
	in := filepath.Join(t.TempDir(), "data.parquet")
	rows := [][]int32{{2, 10, 11, 3}, {2, 40, 41, 42, 3}, {2, 12, 3}, {2, 43, 44, 3}, {2, 13, 14, 15, 3}}
	label := ""
	if labels != nil {
		label = "label"
	}
	if err := data.WriteTable(in, rows, label, labels, tok); err != nil {
		t.Fatal(err)
	}
	params := map[string]any{"model": map[string]any{"from": testutil.Fixture(t, "hf/"+model), "seq_len": int64(16)},
		"steps": int64(2), "batch_size": int64(4), "checkpoint_every": int64(0)}
	e := env(t, params, map[string]string{"train": in})
	if _, err := (train.Kind{}).Run(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	return e.OutPath("model"), in
}

func predict(t *testing.T, params map[string]any, model, in string) (string, map[string]float64) {
	t.Helper()
	e := env(t, params, map[string]string{InputModel: model, InputData: in})
	res, err := (Kind{}).Run(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	return e.OutPath(PortPredictions), res.Metrics
}

func TestClassifierPredictions(t *testing.T) {
	labels := []string{"ham", "spam", "ham", "spam", "ham"}
	model, in := fixture(t, "tiny-bert", labels)
	out, metrics := predict(t, map[string]any{"batch_size": int64(2)}, model, in)
	r, err := table.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rec, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	names := []string{}
	for _, f := range rec.Schema().Fields() {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "row,label,predicted,probability,prob_ham,prob_spam" || rec.NumRows() != 5 {
		t.Fatalf("columns %v, %d rows", names, rec.NumRows())
	}
	correct := 0
	for i := range int(rec.NumRows()) {
		ph, ps := rec.Column(4).(*array.Float64).Value(i), rec.Column(5).(*array.Float64).Value(i)
		if math.Abs(ph+ps-1) > 1e-12 {
			t.Errorf("row %d: probabilities sum to %v", i, ph+ps)
		}
		want := "ham"
		if ps > ph {
			want = "spam"
		}
		if got := rec.Column(2).(*array.String).Value(i); got != want || rec.Column(3).(*array.Float64).Value(i) != math.Max(ph, ps) {
			t.Errorf("row %d: predicted %s with %v, probabilities %v %v", i, got, rec.Column(3).(*array.Float64).Value(i), ph, ps)
		}
		if want == labels[i] {
			correct++
		}
	}
	if metrics["accuracy"] != float64(correct)/5 || metrics["rows"] != 5 {
		t.Errorf("metrics %v, %d correct", metrics, correct)
	}
	// Batching does not change a prediction.
	again, _ := predict(t, map[string]any{"batch_size": int64(5)}, model, in)
	if !sameFile(t, out, again) {
		t.Error("predictions depend on the batch size")
	}
}

func TestGeneration(t *testing.T) {
	model, in := fixture(t, "tiny-gpt2", nil)
	m, err := OpenModel(model, "go")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tbl, err := data.Load(in, "")
	if err != nil {
		t.Fatal(err)
	}
	greedy := Sampling{Strategy: Greedy, Temperature: 1, TopP: 1, MaxNewTokens: 4, StopID: -1}
	got, err := m.Generate(tbl.Rows, greedy, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The greedy chain, one row at a time.
	for i, prompt := range tbl.Rows {
		ctx := slices.Clone(prompt)
		for range 4 {
			logits, dims, err := m.predictor.Run(ctx, slices.Repeat([]float32{1}, len(ctx)), 1, len(ctx))
			if err != nil {
				t.Fatal(err)
			}
			v := dims[2]
			ctx = append(ctx, int32(engine.Argmax(logits[(len(ctx)-1)*v:len(ctx)*v])))
		}
		if !slices.Equal(got[i], ctx[len(prompt):]) {
			t.Errorf("row %d: batched greedy %v, one by one %v", i, got[i], ctx[len(prompt):])
		}
	}
	sample := greedy
	sample.Strategy, sample.Temperature, sample.TopP, sample.Seed = Sample, 1.5, 0.9, 11
	a, _ := m.Generate(tbl.Rows, sample, 0)
	b, _ := m.Generate(tbl.Rows[2:], sample, 2)
	if !slices.EqualFunc(a[2:], b, slices.Equal[[]int32]) {
		t.Error("a row's sample depends on the rows batched with it")
	}
	k1 := sample
	k1.TopK = 1
	if c, _ := m.Generate(tbl.Rows, k1, 0); !slices.EqualFunc(c, got, slices.Equal[[]int32]) {
		t.Error("top_k = 1 differs from greedy")
	}
	params := map[string]any{"strategy": Sample, "temperature": 1.5, "max_new_tokens": int64(3)}
	out1, _ := predict(t, params, model, in)
	out2, _ := predict(t, params, model, in)
	if !sameFile(t, out1, out2) {
		t.Error("seeded sampling is not reproducible")
	}
}

func TestBadParams(t *testing.T) {
	for p, want := range map[string]map[string]any{
		"temperature = 0: must be positive":      {"temperature": 0.0},
		"top_p = 1.5: must be in (0, 1]":         {"top_p": 1.5},
		"top_k = -1":                             {"top_k": int64(-1)},
		"max_new_tokens = 0":                     {"max_new_tokens": int64(0)},
		"batch_size = 0: must be positive":       {"batch_size": int64(0)},
		`strategy "beam": want greedy or sample`: {"strategy": "beam"},
	} {
		if _, err := (Kind{}).Plan(stages.PlanRequest{Params: want}); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%v: got %v, want %q", want, err, p)
		}
	}
}

func sameFile(t *testing.T, a, b string) bool {
	t.Helper()
	x, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x, y)
}
