package table

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// BatchRows is the number of rows Reader.Next returns at most.
const BatchRows = 4 * 1024

// Reader streams the rows of one Parquet file as record batches. It is not
// safe for concurrent use.
type Reader struct {
	path   string
	file   *os.File
	pq     *file.Reader
	rr     pqarrow.RecordReader
	convs  []*conversion // of rr's columns (see compat.go)
	flat   *flatReader   // instead of rr
	schema *arrow.Schema
	rows   int64
}

// Open opens the Parquet file at path. Files that arrow-go cannot read
// (malformed, truncated, or using unsupported features) give an error naming
// the file, never a panic.
func Open(path string) (*Reader, error) {
	return OpenColumns(path, nil)
}

// OpenColumns is Open reading only the named top-level columns, in the order
// given (nil reads them all). A name the file lacks is an error.
func OpenColumns(path string, columns []string) (r *Reader, err error) {
	return open(path, columns, nil, false)
}

// OpenSelected opens the table once and reads the top-level columns choose
// picks, in its order, from the file's schema (nil: all of them), for a
// reader that decides what to read from the schema and metadata: the
// file's footer is parsed once and no page is read before the choice. An
// error from choose is returned as it is.
func OpenSelected(path string, choose func(*arrow.Schema) ([]string, error)) (*Reader, error) {
	return open(path, nil, choose, false)
}

// OpenDictionaries is OpenColumns, except that a string or binary column
// whose pages are all dictionary-encoded (in every row group, as the file's
// page encoding statistics say) comes back as an Arrow dictionary array
// with int32 indices, typed so in Schema. Batches of one row group share
// its dictionary (the column chunk's dictionary page, or, when arrow-go
// decodes the file, the entries used so far), so repeated values are
// neither copied nor compared more than once. Consumers that handle
// *array.Dictionary use it to work once per distinct value.
func OpenDictionaries(path string, columns []string) (*Reader, error) {
	return open(path, columns, nil, true)
}

// open opens the table and reads the columns named, or, with choose, those
// choose picks from the file's schema (built only then); it reads
// dictionary-encoded columns as Arrow dictionaries when dicts is set.
func open(path string, columns []string, choose func(*arrow.Schema) ([]string, error), dicts bool) (r *Reader, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening table %s: %w", path, err)
	}
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("opening table %s: unreadable Parquet: %w", path, unsupported(fmt.Errorf("%v", rec)))
		}
		if err != nil {
			f.Close()
			r = nil
		}
	}()
	props := parquet.NewReaderProperties(memory.DefaultAllocator)
	props.BufferedStreamEnabled = true
	props.BufferSize = 1 << 20
	pq, err := newParquetReader(f, props)
	if err != nil {
		return nil, fmt.Errorf("opening table %s: %w", path, unsupported(err))
	}
	c, err := rewriteSchema(pq.MetaData())
	if err != nil {
		return nil, fmt.Errorf("opening table %s: %w", path, err)
	}
	fr, err := pqarrow.NewFileReader(pq, pqarrow.ArrowReadProperties{BatchSize: BatchRows, PreAllocBinaryData: true}, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("opening table %s: %w", path, unsupported(err))
	}
	full, err := fr.Schema()
	if err != nil {
		return nil, fmt.Errorf("opening table %s: reading schema: %w", path, unsupported(err))
	}
	if choose != nil {
		if columns, err = choose(fileSchema(full, c)); err != nil {
			return nil, err
		}
	}
	leaves, err := leafIndices(fr, columns)
	if err != nil {
		return nil, fmt.Errorf("opening table %s: %w", path, err)
	}
	if fieldIdx := selectFields(fr, full, columns); fieldIdx != nil {
		fields := make([]arrow.Field, len(fieldIdx))
		for k, i := range fieldIdx {
			fields[k] = full.Field(i)
			if cv := c.plan(fields[k]); cv != nil {
				fields[k] = cv.field
			}
		}
		schema := normalizeSchema(arrow.NewSchema(fields, nil), full.Metadata())
		flat, err := newFlatReader(pq, f, fr, c, schema, fieldIdx, dicts)
		if err != nil {
			return nil, fmt.Errorf("opening table %s: %w", path, unsupported(err))
		}
		if err := flat.advance(); err != nil && !errors.Is(err, io.EOF) {
			flat.release()
			return nil, fmt.Errorf("opening table %s: %w", path, unsupported(err))
		}
		return &Reader{path: path, file: f, pq: pq, flat: flat, schema: flat.schema, rows: pq.NumRows()}, nil
	}
	rr, err := fr.GetRecordReader(context.Background(), leaves, nil)
	if err != nil {
		return nil, fmt.Errorf("opening table %s: %w", path, unsupported(err))
	}
	// The record reader's schema lacks the file-level metadata.
	rs := rr.Schema()
	convs := make([]*conversion, rs.NumFields())
	fields := rs.Fields()
	for i, f := range fields {
		if convs[i] = c.plan(f); convs[i] != nil {
			fields[i] = convs[i].field
		}
	}
	schema := normalizeSchema(arrow.NewSchema(fields, nil), full.Metadata())
	return &Reader{path: path, file: f, pq: pq, rr: rr, convs: convs, schema: schema, rows: pq.NumRows()}, nil
}

// fileSchema is the schema a reader of every column gets: the file's,
// with the type conversions applied and the file-level metadata.
func fileSchema(full *arrow.Schema, c *compat) *arrow.Schema {
	fields := slices.Clone(full.Fields())
	for i := range fields {
		if cv := c.plan(fields[i]); cv != nil {
			fields[i] = cv.field
		}
	}
	return normalizeSchema(arrow.NewSchema(fields, nil), full.Metadata())
}

// leafIndices maps top-level column names to the Parquet leaf columns that
// hold them. nil names means every column.
func leafIndices(fr *pqarrow.FileReader, names []string) ([]int, error) {
	if names == nil {
		return nil, nil
	}
	var leaves []int
	for _, name := range names {
		found := false
		for i, f := range fr.Manifest.Fields {
			if f.Field.Name != name {
				continue
			}
			found = true
			leaves = append(leaves, leavesOf(&fr.Manifest.Fields[i])...)
		}
		if !found {
			return nil, fmt.Errorf("no column %q", name)
		}
	}
	if len(leaves) == 0 {
		return nil, errors.New("no columns selected")
	}
	return leaves, nil
}

// selectFields returns the manifest indices of the selected top-level
// fields (nil names: all of them, in order), or nil when a name is not one
// field's, or the manifest does not match the schema.
func selectFields(fr *pqarrow.FileReader, full *arrow.Schema, names []string) []int {
	var idx []int
	if names == nil {
		for i := range fr.Manifest.Fields {
			idx = append(idx, i)
		}
	} else {
		for _, name := range names {
			n := 0
			for i, f := range fr.Manifest.Fields {
				if f.Field.Name == name {
					idx = append(idx, i)
					n++
				}
			}
			if n != 1 {
				return nil
			}
		}
	}
	if len(idx) == 0 || full.NumFields() != len(fr.Manifest.Fields) {
		return nil
	}
	return idx
}

// leavesOf returns the leaf column indices under a schema field.
func leavesOf(f *pqarrow.SchemaField) []int {
	if len(f.Children) == 0 {
		return []int{f.ColIndex}
	}
	var out []int
	for i := range f.Children {
		out = append(out, leavesOf(&f.Children[i])...)
	}
	return out
}

// Path returns the file being read.
func (r *Reader) Path() string { return r.path }

// Schema returns the table's schema, with its metadata.
func (r *Reader) Schema() *arrow.Schema { return r.schema }

// NumRows returns the number of rows in the file.
func (r *Reader) NumRows() int64 { return r.rows }

// Next returns the next batch of at most BatchRows rows, or io.EOF after the
// last one. The caller owns the batch and must Release it.
func (r *Reader) Next() (rec arrow.RecordBatch, err error) {
	if r.rr == nil && r.flat == nil {
		return nil, fmt.Errorf("reading table %s: reader is closed", r.path)
	}
	defer func() {
		if p := recover(); p != nil {
			rec, err = nil, fmt.Errorf("reading table %s: unreadable Parquet: %w", r.path, unsupported(fmt.Errorf("%v", p)))
		}
	}()
	if r.flat != nil {
		rec, err := r.flat.next()
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("reading table %s: %w", r.path, unsupported(err))
		}
		return rec, err
	}
	if !r.rr.Next() {
		if err := r.rr.Err(); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("reading table %s: %w", r.path, unsupported(err))
		}
		return nil, io.EOF
	}
	cur := r.rr.RecordBatch()
	cols := make([]arrow.Array, cur.NumCols())
	defer func() {
		for _, a := range cols {
			if a != nil {
				a.Release()
			}
		}
	}()
	for i, a := range cur.Columns() {
		fixed, err := dropNullListEntries(a)
		if err != nil {
			return nil, fmt.Errorf("reading table %s, column %q: %w", r.path, r.schema.Field(i).Name, err)
		}
		cols[i], err = r.convs[i].apply(fixed)
		fixed.Release()
		if err != nil {
			return nil, fmt.Errorf("reading table %s, column %q: %w", r.path, r.schema.Field(i).Name, err)
		}
	}
	return array.NewRecordBatch(r.schema, cols, cur.NumRows()), nil
}

// All yields the batches Next returns, in order, each released once the loop
// body has had it (Retain a batch to keep it longer), and ends after the last
// batch, after the first error (yielded with a nil batch), or when the loop
// breaks.
func (r *Reader) All() iter.Seq2[arrow.RecordBatch, error] {
	return func(yield func(arrow.RecordBatch, error) bool) {
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(nil, err)
				return
			}
			more := yield(rec, nil)
			rec.Release()
			if !more {
				return
			}
		}
	}
}

// RecycleBatches makes the reader reuse the memory of a batch's string
// values for later batches once every array of the batch has been
// released (reference count zero), instead of drawing fresh memory for
// each batch, which costs as much as copying the strings. The caller then
// must not use anything of a batch after releasing it: not its arrays,
// not their byte slices, and not the strings array.String.Value returns,
// which alias the batch's memory (copy a string with strings.Clone to keep
// it). Batches that are never released are simply not reused. Call it
// before the first Next; it applies to flat columns: their materialised
// string and binary values, and the pages this package's page decoder
// reads.
func (r *Reader) RecycleBatches() {
	if r.flat == nil {
		return
	}
	for i := range r.flat.cols {
		// One recycler per column: its buffers are of its sizes.
		rec := &recycler{}
		r.flat.cols[i].recycle = rec
		if pc := r.flat.cols[i].pc; pc != nil {
			pc.recycle = rec
		}
	}
}

// Close releases the reader and closes the file. It is idempotent.
func (r *Reader) Close() error {
	if r.rr == nil && r.flat == nil {
		return nil
	}
	if r.rr != nil {
		func() {
			defer func() { recover() }()
			r.rr.Release()
		}()
	}
	if r.flat != nil {
		func() {
			defer func() { recover() }()
			r.flat.release()
		}()
	}
	r.rr, r.flat = nil, nil
	if err := r.file.Close(); err != nil {
		return fmt.Errorf("closing table %s: %w", r.path, err)
	}
	return nil
}
