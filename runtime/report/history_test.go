package report

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
)

// A command's history may hold any step metrics: `loss` draws the curve
// when there is no `train_loss`, and a history without either draws none
// (no error in the report).
func TestLossCurveOfCommandHistories(t *testing.T) {
	ws, err := runtime.OpenWorkspace(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	write := func(d string, metric string) {
		schema := arrow.NewSchema([]arrow.Field{
			{Name: "step", Type: arrow.PrimitiveTypes.Int64},
			{Name: metric, Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		}, nil)
		writeParquet(t, ws.Store.ObjectPath(d), schema, func(b *array.RecordBuilder) {
			for s := 0; s < 3; s++ {
				b.Field(0).(*array.Int64Builder).Append(int64(s))
				b.Field(1).(*array.Float64Builder).Append(1 / float64(s+1))
			}
		})
	}
	write(digest(1), "loss")
	write(digest(2), "acc")
	rec := func(d string) *artifacts.StageRecord {
		return &artifacts.StageRecord{Name: "fit", Kind: "python", Outputs: []artifacts.PortRecord{port("history", "", d, 10, nil, false)}}
	}
	c, err := readLossCurve(ws, rec(digest(1)))
	if err != nil || c == nil || len(c.Train) != 3 || c.Train[2] != 1.0/3 || c.Steps[1] != 1 {
		t.Errorf("loss history: %+v %v", c, err)
	}
	if c, err := readLossCurve(ws, rec(digest(2))); err != nil || c != nil {
		t.Errorf("a history without a loss: %+v %v", c, err)
	}
}
