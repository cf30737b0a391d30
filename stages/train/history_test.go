package train

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/mlpipe/pipeline/internal/testutil/tabletest"
)

type historyRow struct {
	step   int64
	hasVal bool
}

func readHistory(t testing.TB, path string) []historyRow {
	t.Helper()
	var out []historyRow
	tabletest.Each(t, path, func(rec arrow.RecordBatch) {
		steps := rec.Column(0).(*array.Int64)
		for i := range int(rec.NumRows()) {
			out = append(out, historyRow{step: steps.Value(i), hasVal: !rec.Column(2).IsNull(i)})
		}
	})
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
