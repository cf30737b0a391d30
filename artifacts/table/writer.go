package table

import (
	"bufio"
	"errors"
	"fmt"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// RowGroupRows is the number of rows after which a new row group starts.
const RowGroupRows = 128 * 1024

// RowGroupBytes caps the encoded size of a row group. A row group is held in
// memory, encoded and compressed, until it is complete, so wide rows such as
// long texts end their row group before RowGroupRows. Repetitive columns
// encode small, so their row groups stay long and each dictionary serves
// many rows.
const RowGroupBytes = 16 << 20

// DictionaryBytes is the largest dictionary a column chunk keeps before it
// falls back to plain encoding. It is large enough for the distinct values of
// a repetitive text column (labels, templates, duplicated documents) to stay
// dictionary-encoded, which shrinks both the file and the work to write it.
const DictionaryBytes = 12 << 20

// zstdLevel is the zstd level of every column (zstd's fastest).
const zstdLevel = 1

// FormatVersion identifies the bytes this package writes for given rows.
// Change it whenever they change (encodings, page or row-group cuts,
// statistics): kinds that write tables report it, so it is part of their
// stages' keys and a new format re-runs them instead of mixing bytes.
// 2: byte-array statistics cut to 64-byte bounds.
const FormatVersion = "2"

// CreatedBy is the writer name recorded in every Parquet footer. It is fixed so
// that the same rows always produce the same bytes.
const CreatedBy = "mlpipe table (arrow-go v18)"

// Writer streams record batches into one Parquet file. It is not safe for
// concurrent use.
type Writer struct {
	path   string
	file   *os.File
	buf    *bufio.Writer
	fw     *pqarrow.FileWriter // tables with nested or other columns
	flat   *flatWriter         // tables of flat columns
	schema *arrow.Schema
	rows   int64
	rgRows int64 // rows in the current row group
	err    error
}

// Create creates (or truncates) the Parquet file at path for rows of schema.
// The schema's metadata is stored in the file and comes back from Open.
func Create(path string, schema *arrow.Schema) (*Writer, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating table %s: %w", path, err)
	}
	buf := bufio.NewWriterSize(f, 1<<20)
	props := parquet.NewWriterProperties(
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithCompressionLevel(zstdLevel),
		parquet.WithMaxRowGroupLength(RowGroupRows),
		parquet.WithDictionaryDefault(true),
		parquet.WithDictionaryPageSizeLimit(DictionaryBytes),
		parquet.WithStats(true),
		parquet.WithCreatedBy(CreatedBy),
	)
	w := &Writer{path: path, file: f, buf: buf, schema: schema}
	if flatTypes(schema) {
		w.flat, err = newFlatWriter(schema, buf, props)
	} else {
		w.fw, err = newFileWriter(schema, buf, props)
	}
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("creating table %s: %w", path, err)
	}
	return w, nil
}

// newFileWriter builds the pqarrow writer, turning a panic on an unsupported
// schema into an error.
func newFileWriter(schema *arrow.Schema, buf *bufio.Writer, props *parquet.WriterProperties) (fw *pqarrow.FileWriter, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("unsupported schema: %v", r)
		}
	}()
	return pqarrow.NewFileWriter(schema, buf, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
}

// Schema returns the schema the writer was created with.
func (w *Writer) Schema() *arrow.Schema { return w.schema }

// Path returns the file being written.
func (w *Writer) Path() string { return w.path }

// NumRows returns the number of rows written so far.
func (w *Writer) NumRows() int64 { return w.rows }

// Write appends rec's rows. rec must have the writer's schema (fields and
// types; metadata may differ). The writer does not keep rec.
func (w *Writer) Write(rec arrow.RecordBatch) (err error) {
	if w.err != nil {
		return w.err
	}
	if rec.NumRows() == 0 {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("writing table %s: %v", w.path, r)
		}
		if err != nil {
			w.err = err
		}
	}()
	if !rec.Schema().Equal(w.schema) {
		if !sameFields(rec.Schema(), w.schema) {
			return fmt.Errorf("writing table %s: batch schema %s does not match table schema %s", w.path, rec.Schema(), w.schema)
		}
		rec = withSchema(rec, w.schema)
		defer rec.Release()
	}
	for off := int64(0); off < rec.NumRows(); off += RowGroupRows {
		part := rec
		if off > 0 || rec.NumRows() > RowGroupRows {
			part = rec.NewSlice(off, min(off+RowGroupRows, rec.NumRows()))
			defer part.Release()
		}
		if err := w.writePart(part); err != nil {
			return err
		}
	}
	return nil
}

// writePart writes at most RowGroupRows rows, into the current row group if
// they fit under RowGroupRows and it is under RowGroupBytes, else into a
// new one.
func (w *Writer) writePart(rec arrow.RecordBatch) error {
	if w.flat != nil {
		if w.flat.rgRows > 0 && (w.flat.rgRows+rec.NumRows() > RowGroupRows || w.flat.bytes() >= RowGroupBytes) {
			if err := w.flat.flushRowGroup(); err != nil {
				return fmt.Errorf("writing table %s: row group %d: %w", w.path, w.flat.ordinal, err)
			}
		}
		w.flat.write(rec)
		w.rows += rec.NumRows()
		return nil
	}
	if w.rgRows > 0 && (w.rgRows+rec.NumRows() > RowGroupRows || w.fw.RowGroupTotalBytesWritten() >= RowGroupBytes) {
		if err := w.fw.NewBufferedRowGroupChecked(); err != nil {
			return fmt.Errorf("writing table %s: starting a row group: %w", w.path, err)
		}
		w.rgRows = 0
	}
	if err := w.fw.WriteBuffered(rec); err != nil {
		return fmt.Errorf("writing table %s: %w", w.path, err)
	}
	w.rgRows += rec.NumRows()
	w.rows += rec.NumRows()
	return nil
}

// Close finishes the file (footer, flush, close). After an error the file is
// removed so that no truncated table is left behind. Close is idempotent.
func (w *Writer) Close() error {
	if w.file == nil {
		return w.err
	}
	err := w.err
	if cerr := w.closeWriter(); err == nil && cerr != nil {
		err = fmt.Errorf("closing table %s: %w", w.path, cerr)
	}
	if ferr := w.buf.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("flushing table %s: %w", w.path, ferr)
	}
	if err == nil {
		if serr := sortEncodingStats(w.file); serr != nil {
			err = fmt.Errorf("finishing table %s: %w", w.path, serr)
		}
	}
	if cerr := w.file.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing table %s: %w", w.path, cerr)
	}
	w.file = nil
	if err != nil {
		os.Remove(w.path)
		w.err = err
	}
	return err
}

// closeWriter closes the pqarrow writer, turning a panic into an error.
func (w *Writer) closeWriter() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	if w.flat != nil {
		return w.flat.close()
	}
	return w.fw.Close()
}

// Abort closes the writer and removes the file. Use it on an error path when
// the table must not be left behind.
func (w *Writer) Abort() {
	if w.err == nil {
		w.err = errors.New("table writer aborted")
	}
	w.Close()
}

// sameFields reports whether a and b have the same fields, ignoring metadata.
func sameFields(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := range a.NumFields() {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name || fa.Nullable != fb.Nullable || !arrow.TypeEqual(fa.Type, fb.Type) {
			return false
		}
	}
	return true
}
