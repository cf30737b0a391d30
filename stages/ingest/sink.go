package ingest

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
)

// maxBatchBytes flushes a batch early when its strings grow past this size,
// so that long texts do not hold batchRows rows in memory.
const maxBatchBytes = 4 << 20

// sink gathers converted rows into record batches and writes them to the
// data table; rejected rows go to the rejected table (or, without one, stop
// the stage).
type sink struct {
	ctx      context.Context
	cols     []column
	schema   *arrow.Schema
	w        *table.Writer
	bufs     []colBuf
	pending  int
	bytes    int
	batch    int
	rows     int64
	rejected *rejectSink
	progress stages.Progress
}

// newSink creates the data table at path.
func newSink(ctx context.Context, path string, cols []column, batch int, rej *rejectSink, progress stages.Progress) (*sink, error) {
	schema := arrowSchema(cols)
	w, err := table.Create(path, schema)
	if err != nil {
		return nil, err
	}
	bufs := make([]colBuf, len(cols))
	for i, c := range cols {
		bufs[i].typ = c.typ
	}
	return &sink{ctx: ctx, cols: cols, schema: schema, w: w, bufs: bufs,
		batch: batch, rejected: rej, progress: progress}, nil
}

// add appends one row whose values match the sink's columns.
func (s *sink) add(vals []value) error {
	for i, v := range vals {
		s.bufs[i].add(v)
		if !v.null {
			s.bytes += len(v.s)
		}
	}
	s.pending++
	if s.pending >= s.batch || s.bytes >= maxBatchBytes {
		return s.flush()
	}
	return nil
}

// reject handles a bad record: recorded when skipping, else the stage's error.
func (s *sink) reject(file string, line int64, cause error, raw []byte) error {
	if s.rejected == nil {
		return fmt.Errorf("%s:%d: %w", file, line, cause)
	}
	return s.rejected.add(file, line, cause, raw)
}

// flush writes the pending rows as one batch.
func (s *sink) flush() error {
	if s.pending == 0 {
		return nil
	}
	if err := s.ctx.Err(); err != nil {
		return err
	}
	arrs := make([]arrow.Array, len(s.cols))
	for i := range s.bufs {
		arrs[i] = s.bufs[i].array(s.schema.Field(i).Type)
	}
	rec := array.NewRecordBatch(s.schema, arrs, int64(s.pending))
	for _, a := range arrs {
		a.Release()
	}
	err := s.w.Write(rec)
	rec.Release()
	if err != nil {
		return err
	}
	for i := range s.bufs {
		s.bufs[i].reset()
	}
	s.rows += int64(s.pending)
	s.progress.Add(int64(s.pending))
	s.pending, s.bytes = 0, 0
	return nil
}

// close flushes and finishes both tables; on error it removes them.
func (s *sink) close(failed error) error {
	if failed == nil {
		failed = s.flush()
	}
	if failed != nil {
		s.w.Abort()
		if s.rejected != nil {
			s.rejected.w.Abort()
		}
		return failed
	}
	if err := s.w.Close(); err != nil {
		return err
	}
	if s.rejected != nil {
		return s.rejected.close()
	}
	return nil
}

// rejectSink writes the `rejected` table: file, line, error and raw text of
// each bad record.
type rejectSink struct {
	w    *table.Writer
	b    *array.RecordBuilder
	rows int64
}

// rejectedSchema is the schema of the `rejected` port.
var rejectedSchema = arrow.NewSchema([]arrow.Field{
	{Name: "file", Type: arrow.BinaryTypes.String},
	{Name: "line", Type: arrow.PrimitiveTypes.Int64},
	{Name: "error", Type: arrow.BinaryTypes.String},
	{Name: "raw", Type: arrow.BinaryTypes.String},
}, nil)

// newRejectSink creates the rejected table at path.
func newRejectSink(path string) (*rejectSink, error) {
	w, err := table.Create(path, rejectedSchema)
	if err != nil {
		return nil, err
	}
	return &rejectSink{w: w, b: array.NewRecordBuilder(memory.DefaultAllocator, rejectedSchema)}, nil
}

// add records one bad record. Raw text that is not UTF-8 is kept with its
// invalid bytes replaced by U+FFFD.
func (r *rejectSink) add(file string, line int64, cause error, raw []byte) error {
	r.b.Field(0).(*array.StringBuilder).Append(file)
	r.b.Field(1).(*array.Int64Builder).Append(line)
	r.b.Field(2).(*array.StringBuilder).Append(cause.Error())
	r.b.Field(3).(*array.StringBuilder).Append(strings.ToValidUTF8(string(raw), "\uFFFD"))
	r.rows++
	if r.b.Field(0).Len() >= 1024 {
		return r.flush()
	}
	return nil
}

// flush writes pending rejections.
func (r *rejectSink) flush() error {
	if r.b.Field(0).Len() == 0 {
		return nil
	}
	rec := r.b.NewRecordBatch()
	defer rec.Release()
	return r.w.Write(rec)
}

// close flushes and finishes the table.
func (r *rejectSink) close() error {
	defer r.b.Release()
	if err := r.flush(); err != nil {
		r.w.Abort()
		return err
	}
	return r.w.Close()
}
