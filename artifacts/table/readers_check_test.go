package table

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// checkTables are the tables TestWriteReadersCheck writes: one whose
// columns all take the flat writer, and one with every other column type
// stages write (lists, structs, dates, timestamps, 8-bit integers).
var checkTables = map[string]*arrow.Schema{
	"flat": arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "text", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "label", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "blob", Type: arrow.BinaryTypes.Binary, Nullable: true},
		{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "f32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "f64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "ok", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	}, nil),
	"nested": arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "tokens", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32), Nullable: true},
		{Name: "words", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
		{Name: "pair", Type: arrow.StructOf(
			arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
			arrow.Field{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true}), Nullable: true},
		{Name: "mask", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "at", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	}, nil),
}

// checkRows is the number of rows of each check table: more than one
// row group's pages, fewer than a row group.
const checkRows = 30_000

// TestWriteReadersCheck writes the check tables and their values in
// canonical JSON (scripts/parquet/canonical.py) into the directory
// PARQUET_CHECK_OUT names, for scripts/parquet/check.sh to read back with
// pyarrow, polars and DuckDB. Without the variable it only checks that the
// tables read back with Open as written.
func TestWriteReadersCheck(t *testing.T) {
	out := os.Getenv("PARQUET_CHECK_OUT")
	if out == "" {
		out = t.TempDir()
	}
	for name, sch := range checkTables {
		rec := checkBatch(sch)
		path := filepath.Join(out, name+".parquet")
		w, err := Create(path, sch)
		if err != nil {
			t.Fatal(err)
		}
		for start := 0; start < checkRows; start += 7_000 {
			part := rec.NewSlice(int64(start), int64(min(start+7_000, checkRows)))
			if err := w.Write(part); err != nil {
				t.Fatal(err)
			}
			part.Release()
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		want := canonicalRows(t, rec)
		rec.Release()
		cols, got, err := readCanonical(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || len(cols) != sch.NumFields() {
			t.Fatalf("%s: %d rows of %d columns, want %d of %d", name, len(got), len(cols), len(want), sch.NumFields())
		}
		for i := range want {
			for c := range want[i] {
				wb, _ := json.Marshal(want[i][c])
				gb, _ := json.Marshal(got[i][c])
				if string(wb) != string(gb) {
					t.Fatalf("%s: row %d, column %s: read %s, wrote %s", name, i, cols[c], gb, wb)
				}
			}
		}
		ref, err := json.Marshal(map[string]any{"columns": cols, "rows": want})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, name+".json"), ref, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// canonicalRows returns the rows of rec in canonical form.
func canonicalRows(t *testing.T, rec arrow.RecordBatch) [][]any {
	t.Helper()
	rows := make([][]any, rec.NumRows())
	for i := range rows {
		rows[i] = make([]any, rec.NumCols())
		for c := range int(rec.NumCols()) {
			v, err := canonicalValue(rec.Column(c), i)
			if err != nil {
				t.Fatal(err)
			}
			rows[i][c] = v
		}
	}
	return rows
}

// checkBatch returns checkRows deterministic rows of sch, with a null in
// every nullable column now and then, non-ASCII text, repeated labels (a
// dictionary-encoded column) and extreme numbers.
func checkBatch(sch *arrow.Schema) arrow.RecordBatch {
	b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
	defer b.Release()
	epoch := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range checkRows {
		for c, f := range sch.Fields() {
			fb := b.Field(c)
			if f.Nullable && (i+c)%11 == 5 {
				fb.AppendNull()
				continue
			}
			switch f.Name {
			case "id":
				fb.(*array.Int64Builder).Append(int64(i)*1_000_003 - 1<<40)
			case "text":
				fb.(*array.StringBuilder).Append(fmt.Sprintf("mail %d: %s é✓ \"quoted\"\n", i, strings.Repeat("w", i%13)))
			case "label":
				fb.(*array.StringBuilder).Append([]string{"spam", "ham", ""}[i%3])
			case "blob":
				fb.(*array.BinaryBuilder).Append([]byte{0xff, 0, byte(i), byte(i >> 8)})
			case "i32":
				fb.(*array.Int32Builder).Append(int32(uint32(i) * 2654435761))
			case "f32":
				fb.(*array.Float32Builder).Append(float32(i)/7 - 1000)
			case "f64":
				fb.(*array.Float64Builder).Append([]float64{1.7976931348623157e308, 5e-324, -0.5}[i%3] * float64(i%5))
			case "ok":
				fb.(*array.BooleanBuilder).Append(i%3 == 0)
			case "tokens":
				lb := fb.(*array.ListBuilder)
				lb.Append(true)
				for k := range i % 6 {
					lb.ValueBuilder().(*array.Int32Builder).Append(int32(i*k - 50_000))
				}
			case "words":
				lb := fb.(*array.ListBuilder)
				lb.Append(true)
				vb := lb.ValueBuilder().(*array.StringBuilder)
				for k := range i % 4 {
					if k == 2 {
						vb.AppendNull()
					} else {
						vb.Append(fmt.Sprintf("w%d", i+k))
					}
				}
			case "pair":
				sb := fb.(*array.StructBuilder)
				sb.Append(true)
				sb.FieldBuilder(0).(*array.Int64Builder).Append(int64(i))
				if i%4 == 1 {
					sb.FieldBuilder(1).AppendNull()
				} else {
					sb.FieldBuilder(1).(*array.StringBuilder).Append(fmt.Sprintf("b%d", i%50))
				}
			case "mask":
				fb.(*array.Int8Builder).Append(int8(i%256 - 128))
			case "day":
				fb.(*array.Date32Builder).Append(arrow.Date32FromTime(epoch.AddDate(0, 0, i%40_000-20_000)))
			case "at":
				fb.(*array.TimestampBuilder).Append(arrow.Timestamp(int64(i)*3_600_000_123 - 1_000_000_000_000))
			}
		}
	}
	return b.NewRecordBatch()
}
