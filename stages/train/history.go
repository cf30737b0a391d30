package train

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages/steps"
)

// historySchema is the schema of the history output.
var historySchema = arrow.NewSchema([]arrow.Field{
	{Name: steps.Step, Type: arrow.PrimitiveTypes.Int64},
	{Name: steps.TrainLoss, Type: arrow.PrimitiveTypes.Float64},
	{Name: steps.ValLoss, Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: steps.LR, Type: arrow.PrimitiveTypes.Float64},
	{Name: steps.TokensPerSecond, Type: arrow.PrimitiveTypes.Float64},
}, nil)

// writeHistory writes the history rows as a Parquet table at path.
func writeHistory(path string, rows []HistoryRow) error {
	b := array.NewRecordBuilder(memory.DefaultAllocator, historySchema)
	defer b.Release()
	for _, r := range rows {
		b.Field(0).(*array.Int64Builder).Append(r.Step)
		b.Field(1).(*array.Float64Builder).Append(r.TrainLoss)
		if r.ValLoss != nil {
			b.Field(2).(*array.Float64Builder).Append(*r.ValLoss)
		} else {
			b.Field(2).AppendNull()
		}
		b.Field(3).(*array.Float64Builder).Append(r.LR)
		b.Field(4).(*array.Float64Builder).Append(r.TokensPerSecond)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	w, err := table.Create(path, historySchema)
	if err != nil {
		return fmt.Errorf("writing history: %w", err)
	}
	if err := w.Write(rec); err != nil {
		w.Abort()
		return fmt.Errorf("writing history %s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("writing history %s: %w", path, err)
	}
	return nil
}
