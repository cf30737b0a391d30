package tokenize

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/internal/testutil/tabletest"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/tokenized"
)

const gpt2Path = "../../testdata/tokenizers/gpt2/tokenizer.json"

// writeTable writes a table of (id int64, text string) rows.
func writeTable(t *testing.T, path string, texts []string) {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "text", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i, s := range texts {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.StringBuilder).Append(s)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	tabletest.Write(t, path, rec)
}

type tokenRow struct {
	ID     int64
	IDs    []int32
	Mask   []int8
	Window int32
}

func readTokens(t *testing.T, path string) ([]tokenRow, arrow.Metadata) {
	t.Helper()
	var rows []tokenRow
	s := tabletest.Each(t, path, func(rec arrow.RecordBatch) {
		col := func(name string) int {
			if idx := rec.Schema().FieldIndices(name); len(idx) > 0 {
				return idx[0]
			}
			return -1
		}
		ids := rec.Column(col(tokenized.IDs)).(*array.List)
		for i := 0; i < int(rec.NumRows()); i++ {
			row := tokenRow{ID: rec.Column(col("id")).(*array.Int64).Value(i)}
			lo, hi := ids.ValueOffsets(i)
			row.IDs = append([]int32{}, ids.ListValues().(*array.Int32).Int32Values()[lo:hi]...)
			if c := col(tokenized.Mask); c >= 0 {
				m := rec.Column(c).(*array.List)
				lo, hi := m.ValueOffsets(i)
				row.Mask = append([]int8{}, m.ListValues().(*array.Int8).Int8Values()[lo:hi]...)
			}
			if c := col(tokenized.Window); c >= 0 {
				row.Window = rec.Column(c).(*array.Int32).Value(i)
			}
			rows = append(rows, row)
		}
	})
	return rows, s.Metadata()
}

func runStage(t *testing.T, params map[string]any, inputs map[string][]string) (string, map[string][]tokenRow, map[string]arrow.Metadata) {
	t.Helper()
	dir := t.TempDir()
	env := &stages.Env{Stage: "tok", Inputs: map[string]string{}, OutDir: filepath.Join(dir, "out"),
		ScratchDir: filepath.Join(dir, "scratch"), WorkDir: ".", Params: params, Progress: stages.NopProgress{}}
	var ports []string
	for port, texts := range inputs {
		p := filepath.Join(dir, port+".parquet")
		writeTable(t, p, texts)
		env.Inputs[port] = p
		ports = append(ports, port)
	}
	if err := os.MkdirAll(env.OutDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := (Kind{}).Plan(stages.PlanRequest{Stage: "tok", Params: params, Inputs: ports, WorkDir: "."}); err != nil {
		t.Fatalf("Plan: %v", err)
	}
	if _, err := (Kind{}).Run(context.Background(), env); err != nil {
		t.Fatalf("Run: %v", err)
	}
	rows, metas := map[string][]tokenRow{}, map[string]arrow.Metadata{}
	for _, port := range ports {
		rows[port], metas[port] = readTokens(t, env.OutPath(port))
	}
	return env.OutPath("tokenizer"), rows, metas
}

func TestStageByteWithPadding(t *testing.T) {
	params := map[string]any{
		"tokenizer":  map[string]any{"type": "byte"},
		"column":     "text",
		"max_length": int64(4),
		"padding":    "max_length",
	}
	tokPath, rows, metas := runStage(t, params, map[string][]string{"data": {"hi", "hello"}})
	want := []tokenRow{
		{ID: 0, IDs: []int32{'h', 'i', 256, 256}, Mask: []int8{1, 1, 0, 0}},
		{ID: 1, IDs: []int32{'h', 'e', 'l', 'l'}, Mask: []int8{1, 1, 1, 1}},
	}
	if !reflect.DeepEqual(rows["data"], want) {
		t.Errorf("rows %+v, want %+v", rows["data"], want)
	}
	md := metas["data"]
	for k, v := range map[string]string{tokenized.MetaType: "byte", tokenized.MetaVocabSize: "257", tokenized.MetaPadID: "256"} {
		if got, _ := md.GetValue(k); got != v {
			t.Errorf("metadata %s = %q, want %q", k, got, v)
		}
	}
	if d, _ := md.GetValue(tokenized.MetaDigest); !strings.HasPrefix(d, "xxh3:") || len(d) != 5+32 {
		t.Errorf("metadata %s = %q", tokenized.MetaDigest, d)
	}
	again, err := Load(tokPath)
	if err != nil {
		t.Fatalf("the tokenizer output does not load: %v", err)
	}
	if got := again.Encode("hi"); !reflect.DeepEqual(got, []int32{'h', 'i'}) {
		t.Errorf("reloaded tokenizer encodes hi as %v", got)
	}
}

func TestStageTrainedBPE(t *testing.T) {
	params := map[string]any{
		"tokenizer": map[string]any{"type": "bpe", "vocab_size": int64(280), "train_on": "train"},
		"padding":   true,
	}
	train := []string{"low lower lowest", "new newer newest", "low new"}
	_, rows, _ := runStage(t, params, map[string][]string{"train": train, "test": {"lowest newest", "x"}})
	tok := rows["test"]
	if len(tok) != 2 || len(tok[0].IDs) != len(tok[1].IDs) {
		t.Fatalf("want two rows padded to one length, got %+v", tok)
	}
	if tok[1].IDs[len(tok[1].IDs)-1] != 0 || tok[1].Mask[len(tok[1].Mask)-1] != 0 {
		t.Errorf("short row not padded with <pad> (id 0): %+v", tok[1])
	}
	if len(rows["train"]) != 3 {
		t.Errorf("train output has %d rows", len(rows["train"]))
	}
}

func TestStageFileWithOverflow(t *testing.T) {
	params := map[string]any{
		"tokenizer":  map[string]any{"type": "file", "path": gpt2Path},
		"max_length": int64(3),
		"truncation": map[string]any{"stride": int64(1), "overflow": true},
	}
	_, rows, metas := runStage(t, params, map[string][]string{"data": {"Hello world, how are you", "Hi"}})
	// GPT-2: Hello=15496 world=995 ,=11 how=703 are=389 you=345; Hi=17250.
	want := []tokenRow{
		{ID: 0, IDs: []int32{15496, 995, 11}, Window: 0},
		{ID: 0, IDs: []int32{11, 703, 389}, Window: 1},
		{ID: 0, IDs: []int32{389, 345}, Window: 2},
		{ID: 1, IDs: []int32{17250}, Window: 0},
	}
	if !reflect.DeepEqual(rows["data"], want) {
		t.Errorf("rows %+v, want %+v", rows["data"], want)
	}
	if got, _ := metas["data"].GetValue(tokenized.MetaPadID); got != "-1" {
		t.Errorf("pad id %q, want -1", got)
	}
}

func TestStagePlanErrors(t *testing.T) {
	tests := map[string]struct {
		params map[string]any
		want   string
	}{
		"unknown type":    {map[string]any{"tokenizer": map[string]any{"type": "morse"}}, `with.tokenizer.type: must be one of byte, whitespace, char, bpe, file, got "morse"`},
		"missing file":    {map[string]any{"tokenizer": map[string]any{"type": "file", "path": "nope.json"}}, "nope.json"},
		"not a tokenizer": {map[string]any{"tokenizer": map[string]any{"type": "file", "path": "kind_test.go"}}, "neither"},
		"bpe no vocab":    {map[string]any{"tokenizer": map[string]any{"type": "bpe"}}, "vocab_size"},
		"bad train_on":    {map[string]any{"tokenizer": map[string]any{"type": "char", "train_on": "dev"}}, `"dev" is not an input`},
		"stride":          {map[string]any{"tokenizer": map[string]any{"type": "byte"}, "max_length": int64(2), "truncation": map[string]any{"stride": int64(2)}}, "stride"},
		"no pad token":    {map[string]any{"tokenizer": map[string]any{"type": "byte", "special_tokens": []any{"<eos>"}}, "padding": true}, "pad token"},
		"unknown pad":     {map[string]any{"tokenizer": map[string]any{"type": "char", "pad_token": "<p>"}}, `"<p>" is not among`},
		"file no pad":     {map[string]any{"tokenizer": map[string]any{"type": "file", "path": gpt2Path}, "padding": true}, "pad token"},
	}
	for name, tt := range tests {
		_, err := (Kind{}).Plan(stages.PlanRequest{Stage: "tok", Params: tt.params, Inputs: []string{"data"}, WorkDir: "."})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, tt.want)
		}
	}
}

func TestPlanSources(t *testing.T) {
	p, err := (Kind{}).Plan(stages.PlanRequest{Params: map[string]any{"tokenizer": map[string]any{"type": "file", "path": gpt2Path}},
		Inputs: []string{"b", "a"}, WorkDir: "."})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.Outputs, []string{"a", "b", "tokenizer"}) || !reflect.DeepEqual(p.Sources, []string{gpt2Path}) {
		t.Errorf("plan %+v", p)
	}
}

func TestStageSentencePieceFile(t *testing.T) {
	path := spmDir + "albert_30k_clean.model"
	params := map[string]any{"tokenizer": map[string]any{"type": "file", "path": path}, "padding": true}
	tokPath, rows, metas := runStage(t, params, map[string][]string{"data": {"Hello world", "Hi"}})
	saved, err := os.ReadFile(tokPath)
	if err != nil {
		t.Fatal(err)
	}
	orig, _ := os.ReadFile(path)
	if !reflect.DeepEqual(saved, orig) {
		t.Error("the tokenizer output is not a copy of the .model")
	}
	r := rows["data"]
	if len(r) != 2 || len(r[0].IDs) != len(r[1].IDs) {
		t.Fatalf("rows not padded to one length: %+v", r)
	}
	if got, _ := metas["data"].GetValue(tokenized.MetaType); got != "sentencepiece" {
		t.Errorf("type %q", got)
	}
	if got, _ := metas["data"].GetValue(tokenized.MetaPadID); got != "0" {
		t.Errorf("pad id %q, want ALBERT's <pad> 0", got)
	}
}

// keepColumnsOutput tokenizes a (id, text, label) table with the params
// given and returns the output's column names, or the run's error.
func keepColumnsOutput(t *testing.T, params map[string]any) ([]string, error) {
	t.Helper()
	dir := t.TempDir()
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "text", Type: arrow.BinaryTypes.String}, {Name: "label", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i, s := range []string{"one", "two words", "three"} {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.StringBuilder).Append(s)
		b.Field(2).(*array.StringBuilder).Append([]string{"ham", "spam"}[i%2])
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	in := filepath.Join(dir, "data.parquet")
	tabletest.Write(t, in, rec)
	env := &stages.Env{Stage: "tok", Inputs: map[string]string{"data": in}, OutDir: filepath.Join(dir, "out"),
		ScratchDir: filepath.Join(dir, "scratch"), WorkDir: ".", Params: params, Progress: stages.NopProgress{}}
	if err := os.MkdirAll(env.OutDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := (Kind{}).Plan(stages.PlanRequest{Stage: "tok", Params: params, Inputs: []string{"data"}, WorkDir: "."}); err != nil {
		return nil, err
	}
	if _, err := (Kind{}).Run(context.Background(), env); err != nil {
		return nil, err
	}
	r, err := table.Open(env.OutPath("data"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var names []string
	for _, f := range r.Schema().Fields() {
		names = append(names, f.Name)
	}
	if r.NumRows() != 3 {
		t.Errorf("%d rows, want 3", r.NumRows())
	}
	return names, nil
}

func TestKeepColumns(t *testing.T) {
	byteTok := map[string]any{"type": "byte"}
	for name, tt := range map[string]struct {
		keep any
		want []string
	}{
		// The text's ids are the output: by default the text is not copied.
		"default":       {nil, []string{"id", "label", tokenized.IDs}},
		"listed":        {[]any{"label", "id"}, []string{"label", "id", tokenized.IDs}},
		"with the text": {[]any{"id", "text"}, []string{"id", "text", tokenized.IDs}},
		"every column":  {[]any{KeepAll}, []string{"id", "text", "label", tokenized.IDs}},
		"none":          {[]any{}, []string{tokenized.IDs}},
	} {
		params := map[string]any{"tokenizer": byteTok}
		if tt.keep != nil {
			params["keep_columns"] = tt.keep
		}
		got, err := keepColumnsOutput(t, params)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: columns %v, want %v", name, got, tt.want)
		}
	}
}

func TestKeepColumnsErrors(t *testing.T) {
	byteTok := map[string]any{"type": "byte"}
	for keep, want := range map[string]string{
		"missing": `has no column "missing" (with.keep_columns; columns: id, text, label)`,
		"id,id":   `with.keep_columns: column "id" is listed twice`,
		"*,id":    `"*" keeps every column and cannot be listed with others`,
	} {
		var list []any
		for _, k := range strings.Split(keep, ",") {
			list = append(list, k)
		}
		_, err := keepColumnsOutput(t, map[string]any{"tokenizer": byteTok, "keep_columns": list})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("keep_columns %v: error %v, want one containing %q", list, err, want)
		}
	}
}
