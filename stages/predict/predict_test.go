package predict

import (
	"bytes"
	"context"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/internal/testutil/tabletest"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/eval"
	"github.com/mlpipe/pipeline/stages/tokenized"
	"github.com/mlpipe/pipeline/stages/train"
	"github.com/mlpipe/pipeline/stages/train/backend"
	"github.com/mlpipe/pipeline/stages/train/data"
	"github.com/mlpipe/pipeline/stages/train/engine"
	"github.com/mlpipe/pipeline/stages/train/modelfile"
)

// nativeTok is the tokenizer of the engine-native fixtures' tables.
var nativeTok = data.Tokenizer{Type: "test", VocabSize: 40, PadID: 0, Digest: "xxh3:test"}

func env(t testing.TB, params map[string]any, inputs map[string]string) *stages.Env {
	return &stages.Env{Stage: "s", Inputs: inputs, OutDir: t.TempDir(), ScratchDir: t.TempDir(), Params: params, Seed: 3,
		Log: zerolog.New(io.Discard), Output: io.Discard, Progress: stages.NopProgress{}}
}

// classRows are n rows whose label ("a" or "b") decides which half of the
// vocabulary their tokens come from; every seventh row is noisy.
func classRows(n int, seed uint64) ([][]int32, []string) {
	r := rand.New(rand.NewPCG(seed, 1))
	rows, labels := make([][]int32, n), make([]string, n)
	for i := range rows {
		lo, l := 1, "a"
		if i%2 == 1 {
			lo, l = 20, "b"
		}
		if i%7 == 3 {
			lo = 10
		}
		row := make([]int32, 3+r.IntN(6))
		for j := range row {
			row[j] = int32(lo + r.IntN(19))
		}
		rows[i], labels[i] = row, l
	}
	return rows, labels
}

// writeTable writes a tokenized table with extra string columns (name → values, in name order).
func writeTable(t testing.TB, path string, rows [][]int32, tk data.Tokenizer, extra map[string][]string) {
	t.Helper()
	md := arrow.NewMetadata([]string{tokenized.MetaType, tokenized.MetaVocabSize, tokenized.MetaPadID, tokenized.MetaDigest},
		[]string{tk.Type, strconv.Itoa(tk.VocabSize), strconv.Itoa(tk.PadID), tk.Digest})
	fields := []arrow.Field{
		{Name: tokenized.IDs, Type: arrow.ListOf(arrow.PrimitiveTypes.Int32)},
		{Name: tokenized.Mask, Type: arrow.ListOf(arrow.PrimitiveTypes.Int8)},
	}
	names := make([]string, 0, len(extra))
	for n := range extra {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fields = append(fields, arrow.Field{Name: n, Type: arrow.BinaryTypes.String})
	}
	schema := arrow.NewSchema(fields, &md)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i, r := range rows {
		ids, mask := b.Field(0).(*array.ListBuilder), b.Field(1).(*array.ListBuilder)
		ids.Append(true)
		mask.Append(true)
		for _, id := range r {
			ids.ValueBuilder().(*array.Int32Builder).Append(id)
			mask.ValueBuilder().(*array.Int8Builder).Append(1)
		}
		for k, n := range names {
			b.Field(2 + k).(*array.StringBuilder).Append(extra[n][i])
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	tabletest.Write(t, path, rec)
}

// trainModel runs a train stage and returns its model directory.
func trainModel(t testing.TB, params map[string]any, trainPath string) string {
	t.Helper()
	e := env(t, params, map[string]string{train.InputTrain: trainPath})
	if _, err := (train.Kind{}).Run(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	return e.OutPath(train.PortModel)
}

// nativeClassifier trains a small engine-native transformer classifier and
// returns it with a labelled test table.
func nativeClassifier(t testing.TB) (model, test string) {
	t.Helper()
	dir := t.TempDir()
	trainPath, test := filepath.Join(dir, "train"), filepath.Join(dir, "test")
	rows, labels := classRows(64, 1)
	writeTable(t, trainPath, rows, nativeTok, map[string][]string{"label": labels})
	rows, labels = classRows(30, 2)
	writeTable(t, test, rows, nativeTok, map[string][]string{"label": labels})
	model = trainModel(t, map[string]any{
		"model":      map[string]any{"type": "transformer_classifier", "d_model": int64(16), "layers": int64(1), "heads": int64(2), "seq_len": int64(8)},
		"batch_size": int64(8), "steps": int64(20), "lr": 0.05, "checkpoint_every": int64(0)}, trainPath)
	return model, test
}

// nativeLM trains a small engine-native language model (seq_len 8) and
// returns it with a table of prompts of 1 to 7 tokens.
func nativeLM(t testing.TB) (model, prompts string) {
	t.Helper()
	dir := t.TempDir()
	trainPath, prompts := filepath.Join(dir, "train"), filepath.Join(dir, "prompts")
	rows := make([][]int32, 20)
	for i := range rows {
		for j := range 12 {
			rows[i] = append(rows[i], int32(1+(i+j)%7))
		}
	}
	writeTable(t, trainPath, rows, nativeTok, nil)
	var ps [][]int32
	for n := 1; n <= 7; n++ {
		p := make([]int32, n)
		for j := range p {
			p[j] = int32(1 + (n*3+j)%11)
		}
		ps = append(ps, p)
	}
	writeTable(t, prompts, ps, nativeTok, nil)
	model = trainModel(t, map[string]any{
		"model":      map[string]any{"type": "transformer_lm", "d_model": int64(16), "layers": int64(1), "heads": int64(2), "seq_len": int64(8)},
		"batch_size": int64(4), "steps": int64(10), "lr": 0.01, "checkpoint_every": int64(0)}, trainPath)
	return model, prompts
}

func runPredict(t testing.TB, params map[string]any, model, in string) (string, map[string]float64) {
	t.Helper()
	e := env(t, params, map[string]string{InputModel: model, InputData: in})
	res, err := (Kind{}).Run(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	return e.OutPath(PortPredictions), res.Metrics
}

// readAll reads a table into one record batch.
func readAll(t testing.TB, path string) arrow.RecordBatch {
	t.Helper()
	var recs []arrow.RecordBatch
	schema := tabletest.Each(t, path, func(rec arrow.RecordBatch) {
		rec.Retain()
		recs = append(recs, rec)
	})
	tbl := array.NewTableFromRecords(schema, recs)
	defer tbl.Release()
	for _, rec := range recs {
		rec.Release()
	}
	cols := make([]arrow.Array, tbl.NumCols())
	for i := range cols {
		c, err := array.Concatenate(tbl.Column(i).Data().Chunks(), memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		cols[i] = c
	}
	return array.NewRecordBatch(schema, cols, tbl.NumRows())
}

func names(rec arrow.RecordBatch) string {
	var out []string
	for _, f := range rec.Schema().Fields() {
		out = append(out, f.Name)
	}
	return strings.Join(out, ",")
}

func generatedIDs(t testing.TB, rec arrow.RecordBatch) [][]int32 {
	t.Helper()
	l := rec.Column(rec.Schema().FieldIndices(ColGeneratedIDs)[0]).(*array.List)
	v := l.ListValues().(*array.Int32)
	out := make([][]int32, l.Len())
	for i := range out {
		s, e := l.ValueOffsets(i)
		out[i] = slices.Clone(v.Int32Values()[s:e])
	}
	return out
}

func sameFile(t testing.TB, a, b string) bool {
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

func TestPredictClassifier(t *testing.T) {
	model, test := nativeClassifier(t)
	out, metrics := runPredict(t, map[string]any{"batch_size": int64(7)}, model, test)
	rec := readAll(t, out)
	defer rec.Release()
	if got := names(rec); got != "row,label,predicted,probability,prob_a,prob_b" || rec.NumRows() != 30 {
		t.Fatalf("columns %s, %d rows", got, rec.NumRows())
	}
	row := rec.Column(0).(*array.Int64)
	pred, best := rec.Column(2).(*array.String), rec.Column(3).(*array.Float64)
	pa, pb := rec.Column(4).(*array.Float64), rec.Column(5).(*array.Float64)
	for i := range 30 {
		if row.Value(i) != int64(i) {
			t.Errorf("row %d: row column %d", i, row.Value(i))
		}
		if s := pa.Value(i) + pb.Value(i); math.Abs(s-1) > 1e-12 {
			t.Errorf("row %d: probabilities sum to %v", i, s)
		}
		want := "a"
		if pb.Value(i) > pa.Value(i) {
			want = "b"
		}
		if pred.Value(i) != want || best.Value(i) != math.Max(pa.Value(i), pb.Value(i)) {
			t.Errorf("row %d: predicted %s with %v; probabilities %v, %v", i, pred.Value(i), best.Value(i), pa.Value(i), pb.Value(i))
		}
	}
	if metrics[MetricRows] != 30 {
		t.Errorf("metrics %v", metrics)
	}

	// Eval on the same table reports the same accuracy, and its per-row
	// predictions agree.
	e := env(t, map[string]any{"metrics": []any{"accuracy"}}, map[string]string{eval.InputModel: model, eval.InputData: test})
	res, err := (eval.Kind{}).Run(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if metrics[MetricAccuracy] != res.Metrics[eval.Accuracy] || metrics[MetricAccuracy] < 0.6 {
		t.Errorf("accuracy %v, eval says %v", metrics[MetricAccuracy], res.Metrics[eval.Accuracy])
	}
	ev := readAll(t, filepath.Join(e.OutPath(eval.PortTables), eval.PredictionsFile))
	defer ev.Release()
	for i := range 30 {
		ep := ev.Column(3).(*array.Float64).Value(i)
		if ev.Column(2).(*array.String).Value(i) != pred.Value(i) || math.Abs(ep-best.Value(i)) > 1e-6 {
			t.Errorf("row %d: eval predicts %s with %v, predict %s with %v", i, ev.Column(2).(*array.String).Value(i), ep, pred.Value(i), best.Value(i))
		}
	}

	// The same inputs give the same bytes, whatever the batch size.
	again, _ := runPredict(t, map[string]any{"batch_size": int64(7)}, model, test)
	whole, _ := runPredict(t, map[string]any{"batch_size": int64(64)}, model, test)
	if !sameFile(t, out, again) || !sameFile(t, out, whole) {
		t.Error("predictions are not reproducible, or depend on the batch size")
	}
}

func TestPredictIDColumn(t *testing.T) {
	model, _ := nativeClassifier(t)
	rows, labels := classRows(5, 3)
	ids, other := make([]string, 5), make([]string, 5)
	for i := range ids {
		ids[i], other[i] = "m"+strconv.Itoa(i), "x"+strconv.Itoa(i)
	}
	in := filepath.Join(t.TempDir(), "with-id")
	writeTable(t, in, rows, nativeTok, map[string][]string{"id": ids, "name": other, "label": labels})
	for _, c := range []struct {
		param string
		want  []string
	}{{"", ids}, {"name", other}} {
		params := map[string]any{}
		if c.param != "" {
			params["id"] = c.param
		}
		out, _ := runPredict(t, params, model, in)
		rec := readAll(t, out)
		col := rec.Column(0).(*array.String)
		if !strings.HasPrefix(names(rec), cmpOr(c.param, "id")+",label,predicted") {
			t.Errorf("id %q: columns %s", c.param, names(rec))
		}
		for i, w := range c.want {
			if col.Value(i) != w {
				t.Errorf("id %q: row %d is %q, want %q", c.param, i, col.Value(i), w)
			}
		}
		rec.Release()
	}
	e := env(t, map[string]any{"id": "nope"}, map[string]string{InputModel: model, InputData: in})
	if _, err := (Kind{}).Run(context.Background(), e); err == nil || !strings.Contains(err.Error(), `id: data`) || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("a missing id column: %v", err)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// greedyChain is greedy generation one row at a time, unpadded, straight on
// an engine.Predictor: the reference for the batched generation.
func greedyChain(t testing.TB, model string, prompts [][]int32, n int) [][]int32 {
	t.Helper()
	r, err := modelfile.Open(model)
	if err != nil {
		t.Fatal(err)
	}
	b, err := backend.Open("go")
	if err != nil {
		t.Fatal(err)
	}
	var p *engine.Predictor
	defer func() { p.Close() }()
	out := make([][]int32, len(prompts))
	runs := 0
	for i, prompt := range prompts {
		ctx := slices.Clone(prompt)
		for range n {
			if runs%30 == 0 { // a fresh predictor before its cache of compiled shapes fills
				if p != nil {
					p.Close()
				}
				if p, err = engine.NewPredictor(b, r.Net, r.Specs, r.Values); err != nil {
					t.Fatal(err)
				}
			}
			runs++
			w := ctx[max(0, len(ctx)-r.SeqLen):]
			logits, dims, err := p.Run(w, slices.Repeat([]float32{1}, len(w)), 1, len(w))
			if err != nil {
				t.Fatal(err)
			}
			v := dims[2]
			tok := int32(engine.Argmax(logits[(len(w)-1)*v : len(w)*v]))
			ctx = append(ctx, tok)
			out[i] = append(out[i], tok)
		}
	}
	return out
}

func TestPredictGeneration(t *testing.T) {
	model, in := nativeLM(t)
	tbl, err := data.Load(in, "")
	if err != nil {
		t.Fatal(err)
	}
	// 7-token prompts and 6 new tokens pass the model's seq_len of 8: the
	// window slides.
	out, metrics := runPredict(t, map[string]any{"max_new_tokens": int64(6), "batch_size": int64(3)}, model, in)
	rec := readAll(t, out)
	defer rec.Release()
	if got := names(rec); got != "row,prompt_tokens,generated_ids" || rec.NumRows() != 7 || metrics[MetricRows] != 7 {
		t.Fatalf("columns %s, %d rows, metrics %v", got, rec.NumRows(), metrics)
	}
	for i := range 7 {
		if n := rec.Column(1).(*array.Int64).Value(i); n != int64(i+1) {
			t.Errorf("row %d: prompt_tokens %d", i, n)
		}
	}
	greedy := generatedIDs(t, rec)
	if want := greedyChain(t, model, tbl.Rows, 6); !slices.EqualFunc(greedy, want, slices.Equal) {
		t.Errorf("batched greedy %v, one row at a time %v", greedy, want)
	}

	sample := map[string]any{"max_new_tokens": int64(6), "strategy": Sample, "temperature": 1.5, "top_p": 0.95, "batch_size": int64(3)}
	s1, _ := runPredict(t, sample, model, in)
	s2, _ := runPredict(t, sample, model, in)
	sample["batch_size"] = int64(1)
	s3, _ := runPredict(t, sample, model, in)
	if !sameFile(t, s1, s2) || !sameFile(t, s1, s3) {
		t.Error("seeded sampling is not reproducible, or depends on the batch size")
	}
	sample["top_k"] = int64(1)
	k1, _ := runPredict(t, sample, model, in)
	if !sameFile(t, k1, out) {
		t.Error("sampling with top_k 1 differs from greedy")
	}
	hot := map[string]any{"max_new_tokens": int64(6), "strategy": Sample, "temperature": 50.0}
	h, _ := runPredict(t, hot, model, in)
	if sameFile(t, h, out) {
		t.Error("sampling at temperature 50 gave the greedy tokens")
	}

	// stop_at_eos ends each row at its first such token, kept.
	stop := greedy[0][0]
	st, _ := runPredict(t, map[string]any{"max_new_tokens": int64(6), "stop_at_eos": int64(stop)}, model, in)
	srec := readAll(t, st)
	defer srec.Release()
	for i, g := range generatedIDs(t, srec) {
		want := greedy[i]
		if k := slices.Index(want, stop); k >= 0 {
			want = want[:k+1]
		}
		if !slices.Equal(g, want) {
			t.Errorf("row %d: stopping at %d gave %v, want %v", i, stop, g, want)
		}
	}
	e := env(t, map[string]any{"stop_at_eos": int64(40)}, map[string]string{InputModel: model, InputData: in})
	if _, err := (Kind{}).Run(context.Background(), e); err == nil || !strings.Contains(err.Error(), "stop_at_eos = 40") {
		t.Errorf("stop_at_eos outside the vocabulary: %v", err)
	}
}

// hfFixture fine-tunes a tiny Hugging Face model for two steps and returns
// its model directory and the table it trained on.
func hfFixture(t testing.TB, model string, labels []string, seqLen int64) (string, string) {
	t.Helper()
	tok := data.Tokenizer{Type: "file", VocabSize: 320, PadID: 0, Digest: "xxh3:tiny"}
	in := filepath.Join(t.TempDir(), "data.parquet")
	rows := [][]int32{{2, 10, 11, 3}, {2, 40, 41, 42, 3}, {2, 12, 3}, {2, 43, 44, 3}, {2, 13, 14, 15, 3}}
	label := ""
	if labels != nil {
		label = "label"
	}
	if err := data.WriteTable(in, rows, label, labels, tok); err != nil {
		t.Fatal(err)
	}
	params := map[string]any{"model": map[string]any{"from": testutil.Fixture(t, "hf/"+model), "seq_len": seqLen},
		"steps": int64(2), "batch_size": int64(4), "checkpoint_every": int64(0)}
	return trainModel(t, params, in), in
}

func TestPredictHuggingFaceModels(t *testing.T) {
	labels := []string{"ham", "spam", "ham", "spam", "ham"}
	bert, in := hfFixture(t, "tiny-bert", labels, 16)
	out, metrics := runPredict(t, map[string]any{"batch_size": int64(2)}, bert, in)
	rec := readAll(t, out)
	if got := names(rec); got != "row,label,predicted,probability,prob_ham,prob_spam" || rec.NumRows() != 5 || metrics[MetricRows] != 5 {
		t.Errorf("columns %s, %d rows, metrics %v", got, rec.NumRows(), metrics)
	}
	rec.Release()
	if again, _ := runPredict(t, map[string]any{"batch_size": int64(5)}, bert, in); !sameFile(t, out, again) {
		t.Error("predictions depend on the batch size")
	}

	// A long generation (more lengths than the predictor keeps compiled
	// graphs for) from a model with a tokenizer: the text is decoded.
	gpt, in := hfFixture(t, "tiny-gpt2", nil, 64)
	out, _ = runPredict(t, map[string]any{"max_new_tokens": int64(40), "batch_size": int64(2)}, gpt, in)
	rec = readAll(t, out)
	defer rec.Release()
	if got := names(rec); got != "row,prompt_tokens,generated_ids,generated" {
		t.Fatalf("columns %s", got)
	}
	m, err := OpenModel(gpt, "go", 2)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tbl, err := data.Load(in, "")
	if err != nil {
		t.Fatal(err)
	}
	want := greedyChain(t, gpt, tbl.Rows, 40)
	for i, g := range generatedIDs(t, rec) {
		if !slices.Equal(g, want[i]) {
			t.Errorf("row %d: generated %v, one row at a time %v", i, g, want[i])
		}
		if text := rec.Column(3).(*array.String).Value(i); text != m.Tokenizer.Decode(g) {
			t.Errorf("row %d: generated %q, decoded %q", i, text, m.Tokenizer.Decode(g))
		}
	}
}

func TestPredictBadParams(t *testing.T) {
	for want, p := range map[string]map[string]any{
		"temperature = 0: must be positive":                        {"temperature": 0.0},
		"top_p = 1.5: must be in (0, 1]":                           {"top_p": 1.5},
		"top_p = 0: must be in (0, 1]":                             {"top_p": 0.0},
		"top_k = -1: must not be negative":                         {"top_k": int64(-1)},
		"max_new_tokens = 0: must be positive":                     {"max_new_tokens": int64(0)},
		"batch_size = 0: must be in":                               {"batch_size": int64(0)},
		`with.strategy: must be one of greedy, sample, got "beam"`: {"strategy": "beam"},
		"stop_at_eos = -1: must be a token id":                     {"stop_at_eos": int64(-1)},
		`backend: unknown backend "nope"`:                          {"backend": "nope"},
	} {
		if _, err := (Kind{}).Plan(stages.PlanRequest{Params: p}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: got %v, want %q", p, err, want)
		}
	}
	if _, err := (Kind{}).Plan(stages.PlanRequest{Params: map[string]any{"strategy": Sample, "top_k": int64(5), "top_p": 0.5, "stop_at_eos": int64(0)}}); err != nil {
		t.Errorf("good params: %v", err)
	}
}
