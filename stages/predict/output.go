package predict

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/mlpipe/pipeline/artifacts/table"
)

// Columns of the predictions table.
const (
	ColRow          = "row"
	ColPredicted    = "predicted"
	ColProbability  = "probability"
	ColProbPrefix   = "prob_"
	ColPromptTokens = "prompt_tokens"
	ColGeneratedIDs = "generated_ids"
	ColGenerated    = "generated"
)

// copied are columns of the data input copied into the predictions, whole.
type copied struct {
	fields []arrow.Field
	cols   []arrow.Array
}

// readCopied reads the named columns of the table at path; it must have rows rows.
func readCopied(path string, names []string, rows int) (*copied, error) {
	c := &copied{}
	if len(names) == 0 {
		return c, nil
	}
	r, err := table.OpenColumns(path, names)
	if err != nil {
		return nil, fmt.Errorf("reading columns %q of %s: %w", names, path, err)
	}
	defer r.Close()
	chunks := make([][]arrow.Array, len(names))
	defer func() {
		for _, cs := range chunks {
			for _, a := range cs {
				a.Release()
			}
		}
	}()
	at := make([]int, len(names))
	for i, n := range names {
		idx := r.Schema().FieldIndices(n)
		if len(idx) == 0 {
			return nil, fmt.Errorf("reading columns of %s: no column %q", path, n)
		}
		at[i] = idx[0]
		f := r.Schema().Field(idx[0])
		c.fields = append(c.fields, arrow.Field{Name: f.Name, Type: f.Type, Nullable: f.Nullable})
	}
	for rec, err := range r.All() {
		if err != nil {
			return nil, fmt.Errorf("reading columns %q of %s: %w", names, path, err)
		}
		for i := range names {
			a := rec.Column(at[i])
			a.Retain()
			chunks[i] = append(chunks[i], a)
		}
	}
	for i, n := range names {
		var a arrow.Array
		if len(chunks[i]) == 0 {
			a = array.MakeArrayOfNull(memory.DefaultAllocator, c.fields[i].Type, 0)
		} else if a, err = array.Concatenate(chunks[i], memory.DefaultAllocator); err != nil {
			c.release()
			return nil, fmt.Errorf("reading column %q of %s: %w", n, path, err)
		}
		c.cols = append(c.cols, a)
		if a.Len() != rows {
			c.release()
			return nil, fmt.Errorf("column %q of %s has %d values for %d rows", n, path, a.Len(), rows)
		}
	}
	return c, nil
}

func (c *copied) release() {
	for _, a := range c.cols {
		a.Release()
	}
	c.cols = nil
}

// writer streams the predictions table, one record batch per batch of rows:
// the id column (copied, or a row index), the label column when copied, then
// the predictions.
type writer struct {
	tw       *table.Writer
	schema   *arrow.Schema
	copied   *copied
	rowIndex bool
	labels   []string
	decode   func([]int32) string
}

// newWriter creates the predictions table at path: a row index column when
// rowIndex, the copied columns, then the predictions. A classifier's columns
// are predicted, probability and prob_<label> per label; a language model's
// prompt_tokens, generated_ids and, when decode is not nil, generated.
func newWriter(path string, c *copied, rowIndex bool, labels []string, decode func([]int32) string, classify bool) (*writer, error) {
	w := &writer{copied: c, labels: labels, decode: decode, rowIndex: rowIndex}
	var fields []arrow.Field
	if rowIndex {
		fields = append(fields, arrow.Field{Name: ColRow, Type: arrow.PrimitiveTypes.Int64})
	}
	fields = append(fields, c.fields...)
	if classify {
		fields = append(fields, arrow.Field{Name: ColPredicted, Type: arrow.BinaryTypes.String},
			arrow.Field{Name: ColProbability, Type: arrow.PrimitiveTypes.Float64})
		for _, l := range labels {
			fields = append(fields, arrow.Field{Name: ColProbPrefix + l, Type: arrow.PrimitiveTypes.Float64})
		}
	} else {
		fields = append(fields, arrow.Field{Name: ColPromptTokens, Type: arrow.PrimitiveTypes.Int64},
			arrow.Field{Name: ColGeneratedIDs, Type: arrow.ListOf(arrow.PrimitiveTypes.Int32)})
		if decode != nil {
			fields = append(fields, arrow.Field{Name: ColGenerated, Type: arrow.BinaryTypes.String})
		}
	}
	seen := map[string]bool{}
	for _, f := range fields {
		if seen[f.Name] {
			return nil, fmt.Errorf("the predictions would have two columns %q: name another id column with the id param", f.Name)
		}
		seen[f.Name] = true
	}
	w.schema = arrow.NewSchema(fields, nil)
	tw, err := table.Create(path, w.schema)
	if err != nil {
		return nil, fmt.Errorf("writing predictions: %w", err)
	}
	w.tw = tw
	return w, nil
}

// lead builds the row index and copied columns of rows start..start+n-1.
func (w *writer) lead(start, n int) []arrow.Array {
	var cols []arrow.Array
	if w.rowIndex {
		b := array.NewInt64Builder(memory.DefaultAllocator)
		defer b.Release()
		for i := range n {
			b.Append(int64(start + i))
		}
		cols = append(cols, b.NewArray())
	}
	for _, a := range w.copied.cols {
		cols = append(cols, array.NewSlice(a, int64(start), int64(start+n)))
	}
	return cols
}

// writeClasses appends the predictions of rows start..start+len(probs)-1.
func (w *writer) writeClasses(start int, probs [][]float64) error {
	cols := w.lead(start, len(probs))
	pred := array.NewStringBuilder(memory.DefaultAllocator)
	defer pred.Release()
	best := array.NewFloat64Builder(memory.DefaultAllocator)
	defer best.Release()
	per := make([]*array.Float64Builder, len(w.labels))
	for k := range per {
		per[k] = array.NewFloat64Builder(memory.DefaultAllocator)
		defer per[k].Release()
	}
	for _, p := range probs {
		b := Predicted(p)
		pred.Append(w.labels[b])
		best.Append(p[b])
		for k, v := range p {
			per[k].Append(v)
		}
	}
	cols = append(cols, pred.NewArray(), best.NewArray())
	for _, b := range per {
		cols = append(cols, b.NewArray())
	}
	return w.write(cols, len(probs))
}

// writeGenerated appends the generations of rows start..start+len(gen)-1,
// whose prompts had promptLens tokens.
func (w *writer) writeGenerated(start int, promptLens []int, gen [][]int32) error {
	cols := w.lead(start, len(gen))
	pl := array.NewInt64Builder(memory.DefaultAllocator)
	defer pl.Release()
	ids := array.NewListBuilder(memory.DefaultAllocator, arrow.PrimitiveTypes.Int32)
	defer ids.Release()
	text := array.NewStringBuilder(memory.DefaultAllocator)
	defer text.Release()
	for i, g := range gen {
		pl.Append(int64(promptLens[i]))
		ids.Append(true)
		ids.ValueBuilder().(*array.Int32Builder).AppendValues(g, nil)
		if w.decode != nil {
			text.Append(w.decode(g))
		}
	}
	cols = append(cols, pl.NewArray(), ids.NewArray())
	if w.decode != nil {
		cols = append(cols, text.NewArray())
	}
	return w.write(cols, len(gen))
}

func (w *writer) write(cols []arrow.Array, n int) error {
	rec := array.NewRecordBatch(w.schema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	defer rec.Release()
	if err := w.tw.Write(rec); err != nil {
		return fmt.Errorf("writing predictions %s: %w", w.tw.Path(), err)
	}
	return nil
}

// close finishes the table.
func (w *writer) close() error {
	if err := w.tw.Close(); err != nil {
		return fmt.Errorf("writing predictions %s: %w", w.tw.Path(), err)
	}
	return nil
}

// abort removes the unfinished table.
func (w *writer) abort() { w.tw.Abort() }
