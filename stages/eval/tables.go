package eval

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages/evaltables"
)

// PredictionsFile is the per-example table of a classifier's evaluation,
// inside the tables output (see package evaltables).
const PredictionsFile = evaltables.PredictionsFile

// Example is one evaluated row of a classifier.
type Example struct {
	Row         int64
	Actual      string
	Predicted   string
	Probability float64
}

// writePredictions writes one row per evaluated example (none for a language model).
func writePredictions(path string, examples []Example) error {
	b := array.NewRecordBuilder(memory.DefaultAllocator, evaltables.PredictionsSchema)
	defer b.Release()
	for _, e := range examples {
		b.Field(0).(*array.Int64Builder).Append(e.Row)
		b.Field(1).(*array.StringBuilder).Append(e.Actual)
		b.Field(2).(*array.StringBuilder).Append(e.Predicted)
		b.Field(3).(*array.Float64Builder).Append(e.Probability)
		b.Field(4).(*array.BooleanBuilder).Append(e.Actual == e.Predicted)
	}
	return writeTable(path, b)
}

// writeTables writes per_class.parquet and confusion.parquet (one row per
// actual/predicted pair) into dir; both are empty for a language model.
func writeTables(dir string, r *Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing tables: %w", err)
	}
	pc := array.NewRecordBuilder(memory.DefaultAllocator, evaltables.PerClassSchema)
	defer pc.Release()
	for _, s := range r.PerClass {
		pc.Field(0).(*array.StringBuilder).Append(s.Label)
		pc.Field(1).(*array.Float64Builder).Append(s.Precision)
		pc.Field(2).(*array.Float64Builder).Append(s.Recall)
		pc.Field(3).(*array.Float64Builder).Append(s.F1)
		pc.Field(4).(*array.Int64Builder).Append(s.Support)
	}
	if err := writeTable(filepath.Join(dir, evaltables.PerClassFile), pc); err != nil {
		return err
	}
	cb := array.NewRecordBuilder(memory.DefaultAllocator, evaltables.ConfusionSchema)
	defer cb.Release()
	if c := r.Confusion; c != nil {
		for a, row := range c.Counts {
			for p, n := range row {
				cb.Field(0).(*array.StringBuilder).Append(c.Labels[a])
				cb.Field(1).(*array.StringBuilder).Append(c.Labels[p])
				cb.Field(2).(*array.Int64Builder).Append(n)
			}
		}
	}
	return writeTable(filepath.Join(dir, evaltables.ConfusionFile), cb)
}

func writeTable(path string, b *array.RecordBuilder) error {
	rec := b.NewRecordBatch()
	defer rec.Release()
	w, err := table.Create(path, rec.Schema())
	if err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Base(path), err)
	}
	if err := w.Write(rec); err != nil {
		w.Abort()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
