package table

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Dump formats:
const (
	// FormatJSONL writes one JSON object per row, keys in column order.
	FormatJSONL = "jsonl"
	// FormatCSV writes an RFC 4180 header line and one line per row; nulls are empty.
	FormatCSV = "csv"
)

// Dump writes the rows of the table at path to w in format ("jsonl" or "csv"),
// at most limit rows (limit <= 0: all of them).
func Dump(w io.Writer, path string, format string, limit int) error {
	var rw rowWriter
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case FormatJSONL:
		rw = &jsonlWriter{w: bw}
	case FormatCSV:
		rw = &csvWriter{w: csv.NewWriter(bw)}
	default:
		return fmt.Errorf("dumping table %s: unknown format %q (want %s or %s)", path, format, FormatJSONL, FormatCSV)
	}
	r, err := Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := rw.header(r.Schema()); err != nil {
		return fmt.Errorf("dumping table %s: %w", path, err)
	}
	left := int64(limit)
	for limit <= 0 || left > 0 {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		n := rec.NumRows()
		if limit > 0 && n > left {
			n = left
		}
		for i := range int(n) {
			if err := rw.row(rec, i); err != nil {
				rec.Release()
				return fmt.Errorf("dumping table %s: %w", path, err)
			}
		}
		left -= n
		rec.Release()
	}
	if err := rw.flush(); err != nil {
		return fmt.Errorf("dumping table %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("dumping table %s: %w", path, err)
	}
	return nil
}

// rowWriter formats rows one at a time.
type rowWriter interface {
	header(*arrow.Schema) error
	row(rec arrow.RecordBatch, i int) error
	flush() error
}

// jsonlWriter writes one JSON object per row.
type jsonlWriter struct {
	w    *bufio.Writer
	keys [][]byte
	buf  bytes.Buffer
	enc  *json.Encoder
}

func (j *jsonlWriter) header(s *arrow.Schema) error {
	j.enc = json.NewEncoder(&j.buf)
	j.enc.SetEscapeHTML(false)
	j.keys = make([][]byte, s.NumFields())
	for i, f := range s.Fields() {
		k, err := j.encode(f.Name)
		if err != nil {
			return err
		}
		j.keys[i] = append(append([]byte(nil), k...), ':')
	}
	return nil
}

// encode returns v as JSON without a trailing newline.
func (j *jsonlWriter) encode(v any) ([]byte, error) {
	j.buf.Reset()
	if err := j.enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(j.buf.Bytes(), []byte{'\n'}), nil
}

func (j *jsonlWriter) row(rec arrow.RecordBatch, i int) error {
	j.w.WriteByte('{')
	for c, col := range rec.Columns() {
		if c > 0 {
			j.w.WriteByte(',')
		}
		j.w.Write(j.keys[c])
		if col.IsNull(i) {
			j.w.WriteString("null")
			continue
		}
		b, err := j.encode(col.GetOneForMarshal(i))
		if err != nil {
			// JSON has no NaN or infinities: such values are written as
			// Arrow prints them, in a string.
			if b, err = j.encode(col.ValueStr(i)); err != nil {
				return fmt.Errorf("row %d, column %q: %w", i, rec.ColumnName(c), err)
			}
		}
		j.w.Write(b)
	}
	_, err := j.w.WriteString("}\n")
	return err
}

func (j *jsonlWriter) flush() error { return nil }

// csvWriter writes RFC 4180 CSV with a header line.
type csvWriter struct {
	w      *csv.Writer
	fields []string
}

func (c *csvWriter) header(s *arrow.Schema) error {
	c.fields = make([]string, s.NumFields())
	for i, f := range s.Fields() {
		c.fields[i] = f.Name
	}
	return c.w.Write(c.fields)
}

func (c *csvWriter) row(rec arrow.RecordBatch, i int) error {
	for k, col := range rec.Columns() {
		c.fields[k] = cellText(col, i)
	}
	return c.w.Write(c.fields)
}

func (c *csvWriter) flush() error {
	c.w.Flush()
	return c.w.Error()
}

// cellText is the CSV text of one cell: empty for null, the value for
// strings, numbers as Go formats them, anything else as Arrow prints it.
func cellText(col arrow.Array, i int) string {
	if col.IsNull(i) {
		return ""
	}
	switch a := col.(type) {
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i))
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	}
	return col.ValueStr(i)
}
