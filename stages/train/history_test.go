package train

import (
	"errors"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/mlpipe/pipeline/artifacts/table"
)

type historyRow struct {
	step   int64
	hasVal bool
}

func readHistory(t testing.TB, path string) []historyRow {
	t.Helper()
	r, err := table.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []historyRow
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		steps := rec.Column(0).(*array.Int64)
		for i := range int(rec.NumRows()) {
			out = append(out, historyRow{step: steps.Value(i), hasVal: !rec.Column(2).IsNull(i)})
		}
		rec.Release()
	}
	return out
}

func TestHistorySchema(t *testing.T) {
	want := []string{"step", "train_loss", "val_loss", "lr", "tokens_per_second"}
	for i, f := range historySchema.Fields() {
		if f.Name != want[i] {
			t.Fatalf("history column %d is %s, want %s", i, f.Name, want[i])
		}
	}
}
