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
