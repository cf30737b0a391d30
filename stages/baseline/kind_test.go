package baseline

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/eval"
	"github.com/mlpipe/pipeline/stages/train/data"
)

var tok = data.Tokenizer{Type: "test", VocabSize: 40, PadID: 0, Digest: "xxh3:test"}

func env(t *testing.T, params map[string]any, inputs map[string]string) *stages.Env {
	return &stages.Env{Stage: "baseline", Inputs: inputs, OutDir: t.TempDir(), ScratchDir: t.TempDir(), Params: params,
		Seed: 7, Log: zerolog.New(io.Discard), Output: io.Discard, Progress: stages.NopProgress{}}
}

// classTable writes rows whose label decides which half of the vocabulary
// most of their tokens come from.
func classTable(t *testing.T, path string, n int, seed uint64, labels ...string) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	rows, ls := make([][]int32, n), make([]string, n)
	for i := range rows {
		k := i % len(labels)
		row := make([]int32, 4+r.IntN(8))
		for j := range row {
			lo := 1 + 19*k
			if r.IntN(4) == 0 {
				lo = 1 + 19*(1-k)
			}
			row[j] = int32(lo + r.IntN(19))
		}
		rows[i], ls[i] = row, labels[k]
	}
	if err := data.WriteTable(path, rows, "label", ls, tok); err != nil {
		t.Fatal(err)
	}
}

func readReport(t *testing.T, e *stages.Env) eval.Report {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(e.OutPath(PortMetrics), "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r eval.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLogisticRegressionBaseline(t *testing.T) {
	dir := t.TempDir()
	train, test := filepath.Join(dir, "train"), filepath.Join(dir, "test")
	classTable(t, train, 400, 1, "ham", "spam")
	classTable(t, test, 200, 2, "ham", "spam")
	params := map[string]any{"method": LogisticMethod, "label": "label"}
	e := env(t, params, map[string]string{InputTrain: train, InputData: test})
	res, err := Kind{}.Run(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if res.Metrics[eval.Accuracy] < 0.85 || res.Metrics[eval.CrossEntropy] <= 0 || res.Metrics[eval.CrossEntropy] > 0.4 {
		t.Errorf("metrics %v: want accuracy above 0.85 (chance is 0.5)", res.Metrics)
	}
	r := readReport(t, e)
	if r.Task != "classification" || r.Examples != 200 || r.Confusion == nil || r.Metrics[eval.Accuracy] != res.Metrics[eval.Accuracy] {
		t.Errorf("report %+v", r)
	}
	// The same seed gives the same model.
	again, err := Kind{}.Run(context.Background(), env(t, params, map[string]string{InputTrain: train, InputData: test}))
	if err != nil || again.Metrics[eval.CrossEntropy] != res.Metrics[eval.CrossEntropy] {
		t.Errorf("a second fit: %v, %v against %v", err, again.Metrics, res.Metrics)
	}

	other := filepath.Join(dir, "other")
	classTable(t, other, 20, 3, "ham", "eggs")
	_, err = Kind{}.Run(context.Background(), env(t, params, map[string]string{InputTrain: train, InputData: other}))
	if err == nil || !strings.Contains(err.Error(), `row 1 has label "eggs", which no training row has (labels: ham, spam)`) {
		t.Errorf("an unseen label: %v", err)
	}
}

func TestKneserNeyBaseline(t *testing.T) {
	dir := t.TempDir()
	train, test := filepath.Join(dir, "train"), filepath.Join(dir, "test")
	rows := func(seed uint64, n int) [][]int32 {
		s := markovStream(n, tok.VocabSize, seed)
		var out [][]int32
		for len(s) > 0 {
			k := min(len(s), 13)
			out = append(out, s[:k])
			s = s[k:]
		}
		return out
	}
	if err := data.WriteTable(train, rows(1, 20000), "", nil, tok); err != nil {
		t.Fatal(err)
	}
	if err := data.WriteTable(test, rows(1, 1000), "", nil, tok); err != nil {
		t.Fatal(err)
	}
	e := env(t, map[string]any{"method": KneserNeyMethod, "order": int64(3), "seq_len": int64(16)},
		map[string]string{InputTrain: train, InputData: test})
	res, err := Kind{}.Run(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	ppl := res.Metrics[eval.Perplexity]
	if ppl < 1 || ppl > 8 || math.Abs(math.Log(ppl)-res.Metrics[eval.CrossEntropy]) > 1e-12 {
		t.Errorf("metrics %v: want perplexity well under the uniform 40 on a second-order chain", res.Metrics)
	}
	// 1000 tokens in windows of 16: 63 windows, every token but the first predicted.
	if r := readReport(t, e); r.Task != "language_modeling" || r.Tokens != 999 || r.Examples != 63 {
		t.Errorf("report %+v", r)
	}

	odd := filepath.Join(dir, "odd")
	if err := data.WriteTable(odd, rows(2, 100), "", nil, data.Tokenizer{Type: "test", VocabSize: 40, Digest: "xxh3:other"}); err != nil {
		t.Fatal(err)
	}
	_, err = Kind{}.Run(context.Background(), env(t, map[string]any{"method": KneserNeyMethod},
		map[string]string{InputTrain: train, InputData: odd}))
	if err == nil || !strings.Contains(err.Error(), "inputs `train` and `data` were tokenized differently") {
		t.Errorf("tables of two tokenizers: %v", err)
	}
}

// Scoring uses only the tokens before a position inside its window, as
// eval does: in windows of one token each, every token is predicted from
// the one before it alone, worse than with the whole window.
func TestKneserNeyScoresWithinWindows(t *testing.T) {
	stream := markovStream(5000, 12, 9)
	m, err := TrainKneserNey(stream, 3, 12)
	if err != nil {
		t.Fatal(err)
	}
	tbl := &data.Table{Rows: [][]int32{stream[:500]}}
	score := func(length int) float64 {
		w, err := data.NewWindows(tbl, length)
		if err != nil {
			t.Fatal(err)
		}
		nll, n, err := scoreWindows(context.Background(), m, w)
		if err != nil || n != 499 {
			t.Fatalf("scored %d tokens: %v", n, err)
		}
		return nll / float64(n)
	}
	var bigram float64
	for i := 1; i < 500; i++ {
		bigram -= math.Log(m.Prob(stream[i-1:i], stream[i]))
	}
	if one := score(1); math.Abs(one-bigram/499) > 1e-12 {
		t.Errorf("windows of one token: %v, want the one-token history's %v", one, bigram/499)
	}
	if long := score(64); long >= score(1) {
		t.Errorf("windows of 64 (%v) should beat windows of 1", long)
	}
}

// Sliding windows whose context (length - stride) holds the order-1 tokens
// a 4-gram looks at score every token with its whole history, in the
// stream's order: the same sum as scoring the stream at once. Disjoint
// windows cut the history at each window's start.
func TestKneserNeySlidingWindowsSeeTheWholeHistory(t *testing.T) {
	const order = 4
	stream := markovStream(5000, 12, 9)
	m, err := TrainKneserNey(stream, order, 12)
	if err != nil {
		t.Fatal(err)
	}
	test := stream[4000:]
	var whole float64
	for i := 1; i < len(test); i++ {
		whole -= math.Log(m.Prob(test[max(0, i+1-order):i], test[i]))
	}
	tbl := &data.Table{Rows: [][]int32{test[:300], test[300:]}}
	score := func(length, stride int) float64 {
		w, err := data.NewScoringWindows(tbl, length, stride)
		if err != nil {
			t.Fatal(err)
		}
		nll, n, err := scoreWindows(context.Background(), m, w)
		if err != nil || n != int64(len(test)-1) {
			t.Fatalf("windows of %d every %d scored %d tokens: %v", length, stride, n, err)
		}
		return nll
	}
	if got := score(16, 8); got != whole {
		t.Errorf("windows of 16 every 8: %v, want the whole stream's %v", got, whole)
	}
	if got := score(16, 16); got <= whole {
		t.Errorf("disjoint windows of 16: %v, want more than the whole stream's %v", got, whole)
	}
}

func TestPlanErrors(t *testing.T) {
	for _, c := range []struct {
		params map[string]any
		want   string
	}{
		{map[string]any{"method": LogisticMethod}, "needs `label`"},
		{map[string]any{"method": KneserNeyMethod, "order": int64(9)}, "with.order: must be at most 8, got 9"},
		{map[string]any{"method": KneserNeyMethod, "seq_len": int64(0)}, "with.seq_len: must be at least 1, got 0"},
		{map[string]any{"method": LogisticMethod, "label": "y", "lr": 0.0}, "with.lr: must be above 0, got 0"},
		{map[string]any{"method": LogisticMethod, "label": "y", "window_stride": int64(2)}, "window_stride: applies to method kneser_ney"},
		{map[string]any{"method": KneserNeyMethod, "seq_len": int64(8), "window_stride": int64(9)}, "window_stride: 9 is more than seq_len 8"},
	} {
		_, err := Kind{}.Plan(stages.PlanRequest{Stage: "b", Params: c.params})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.params, err, c.want)
		}
	}
	p, err := Kind{}.Plan(stages.PlanRequest{Stage: "b", Params: map[string]any{"method": KneserNeyMethod}})
	if err != nil || len(p.Outputs) != 1 || p.Outputs[0] != PortMetrics {
		t.Errorf("plan %+v, %v", p, err)
	}
}

func TestSeqLenDefaultByMethod(t *testing.T) {
	kn, err := stages.Complete(Kind{}.Schema(), map[string]any{"method": KneserNeyMethod})
	if err != nil {
		t.Fatal(err)
	}
	if kn["seq_len"] != int64(defaultSeqLen) {
		t.Fatalf("kneser_ney seq_len = %v, want %d", kn["seq_len"], defaultSeqLen)
	}
	lr, err := stages.Complete(Kind{}.Schema(), map[string]any{"method": LogisticMethod, "label": "y"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := lr["seq_len"]; ok {
		t.Fatalf("logistic_regression seq_len = %v, want none (whole rows)", lr["seq_len"])
	}
}
