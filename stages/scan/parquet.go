package scan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages/scan/archive"
)

// isParquetFile reports whether the file at path starts with Parquet's magic.
func isParquetFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4)
	_, err = io.ReadFull(f, head)
	return err == nil && bytes.Equal(head, parquetMagic)
}

// ScanTable scans the string cells of the Parquet file at path, naming it
// display in findings. A finding's line is the 1-based row and its column the
// column's name (with `.field` and `[i]` for nested values).
func (s *Scanner) ScanTable(ctx context.Context, display, path string) (*Report, error) {
	rep := &Report{}
	if err := s.scanParquetFile(ctx, display, path, rep); err != nil {
		return nil, err
	}
	rep.finish()
	return rep, nil
}

// scanParquetFile scans a Parquet file on disk. An unreadable file is a warning.
func (s *Scanner) scanParquetFile(ctx context.Context, display, path string, rep *Report) error {
	if s.opts.Allow.dropsPath(display) {
		return nil
	}
	// Dictionary-encoded text columns come back as dictionaries, so that a
	// value repeated in a batch is scanned once (see addDictionary).
	r, err := table.OpenDictionaries(path, nil)
	if err != nil {
		rep.Warnings = append(rep.Warnings, archive.Warning{Path: display, Message: fmt.Sprintf("unreadable Parquet: %v", err)})
		return nil
	}
	defer r.Close()
	return s.scanRecords(ctx, display, r.Next, rep)
}

// scanParquetBytes scans a Parquet file held in memory (an archive member).
func (s *Scanner) scanParquetBytes(ctx context.Context, display string, data []byte, rep *Report) {
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("%v", p)
			}
		}()
		pq, err := file.NewParquetReader(bytes.NewReader(data))
		if err != nil {
			return err
		}
		defer pq.Close()
		fr, err := pqarrow.NewFileReader(pq, pqarrow.ArrowReadProperties{BatchSize: table.BatchRows}, memory.DefaultAllocator)
		if err != nil {
			return err
		}
		rr, err := fr.GetRecordReader(ctx, nil, nil)
		if err != nil {
			return err
		}
		defer rr.Release()
		next := func() (arrow.RecordBatch, error) {
			if !rr.Next() {
				if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
					return nil, err
				}
				return nil, io.EOF
			}
			rec := rr.RecordBatch()
			rec.Retain()
			return rec, nil
		}
		return s.scanRecords(ctx, display, next, rep)
	}()
	if err != nil && ctx.Err() == nil {
		rep.Warnings = append(rep.Warnings, archive.Warning{Path: display, Message: fmt.Sprintf("unreadable Parquet: %v", err)})
	}
}

// scanRecords scans every string cell of the batches next returns.
func (s *Scanner) scanRecords(ctx context.Context, display string, next func() (arrow.RecordBatch, error), rep *Report) error {
	rep.Files++
	batch := &cellBatch{}
	var row int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.scanCells(batch, display, false, rep)
			rep.Warnings = append(rep.Warnings, archive.Warning{Path: display, Message: fmt.Sprintf("unreadable Parquet: %v", err)})
			return nil
		}
		schema := rec.Schema()
		for c := 0; c < int(rec.NumCols()); c++ {
			col := rec.Column(c)
			name := schema.Field(c).Name
			if d, ok := col.(*array.Dictionary); ok {
				addDictionary(batch, d, name, row)
				continue
			}
			for i := 0; i < col.Len(); i++ {
				cellTexts(col, i, name, func(p, text string) { batch.add(text, row+int64(i)+1, p) })
			}
		}
		row += rec.NumRows()
		rec.Release()
		if batch.size() >= chunkSize {
			s.scanCells(batch, display, false, rep)
		}
	}
	s.scanCells(batch, display, false, rep)
	return nil
}

// addDictionary adds the cells of a dictionary column of one batch whose
// first row is row+1: each dictionary entry the batch uses is added once,
// the rows repeating it recorded beside it, so a finding in it is reported
// on every row that holds it.
func addDictionary(batch *cellBatch, d *array.Dictionary, name string, row int64) {
	first := map[int]int{} // dictionary index -> its span in the batch
	for i := 0; i < d.Len(); i++ {
		if d.IsNull(i) {
			continue
		}
		k := d.GetValueIndex(i)
		if span, ok := first[k]; ok {
			batch.repeat(span, row+int64(i)+1)
			continue
		}
		before := len(batch.spans)
		cellTexts(d.Dictionary(), k, name, func(p, text string) { batch.add(text, row+int64(i)+1, p) })
		if len(batch.spans) == before+1 {
			first[k] = before
		}
	}
}

// cellTexts calls emit for each text value in row i of arr, with its path:
// strings, UTF-8 binaries, and strings nested in lists, maps and structs.
func cellTexts(arr arrow.Array, i int, path string, emit func(path, text string)) {
	if arr.IsNull(i) {
		return
	}
	switch a := arr.(type) {
	case *array.String:
		emit(path, a.Value(i))
	case *array.LargeString:
		emit(path, a.Value(i))
	case *array.StringView:
		emit(path, a.Value(i))
	case *array.Binary:
		if v := a.Value(i); utf8.Valid(v) {
			emit(path, string(v))
		}
	case *array.LargeBinary:
		if v := a.Value(i); utf8.Valid(v) {
			emit(path, string(v))
		}
	case *array.Dictionary:
		cellTexts(a.Dictionary(), a.GetValueIndex(i), path, emit)
	case *array.Map:
		start, end := a.ValueOffsets(i)
		for j := start; j < end; j++ {
			cellTexts(a.ListValues(), int(j), path+"["+strconv.FormatInt(j-start, 10)+"]", emit)
		}
	case *array.List:
		start, end := a.ValueOffsets(i)
		for j := start; j < end; j++ {
			cellTexts(a.ListValues(), int(j), path+"["+strconv.FormatInt(j-start, 10)+"]", emit)
		}
	case *array.LargeList:
		start, end := a.ValueOffsets(i)
		for j := start; j < end; j++ {
			cellTexts(a.ListValues(), int(j), path+"["+strconv.FormatInt(j-start, 10)+"]", emit)
		}
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		for k := 0; k < a.NumField(); k++ {
			cellTexts(a.Field(k), i, path+"."+st.Field(k).Name, emit)
		}
	}
}
