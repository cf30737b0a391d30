package table

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// flatSchema has one column of each type the flat reader decodes.
var flatSchema = arrow.NewSchema([]arrow.Field{
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "b", Type: arrow.BinaryTypes.Binary},
	{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "i32", Type: arrow.PrimitiveTypes.Int32},
	{Name: "f64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "f32", Type: arrow.PrimitiveTypes.Float32},
	{Name: "ok", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
}, nil)

// flatRows builds n rows of flatSchema with nulls, repeated (dictionary)
// and distinct strings.
func flatRows(n int) arrow.RecordBatch {
	b := array.NewRecordBuilder(memory.DefaultAllocator, flatSchema)
	defer b.Release()
	for i := range n {
		if i%9 == 4 {
			b.Field(0).AppendNull()
		} else if i%2 == 0 {
			b.Field(0).(*array.StringBuilder).Append(strings.Repeat("é", i%13))
		} else {
			b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("row %d %s", i, strings.Repeat("x", i%300)))
		}
		b.Field(1).(*array.BinaryBuilder).Append([]byte{byte(i), 0, byte(i >> 8)})
		if i%11 == 0 {
			b.Field(2).AppendNull()
		} else {
			b.Field(2).(*array.Int64Builder).Append(int64(i) * -7)
		}
		b.Field(3).(*array.Int32Builder).Append(int32(i % 5))
		if i%6 == 1 {
			b.Field(4).AppendNull()
		} else {
			b.Field(4).(*array.Float64Builder).Append(float64(i) / 3)
		}
		b.Field(5).(*array.Float32Builder).Append(float32(i) / 8)
		if i%4 == 3 {
			b.Field(6).AppendNull()
		} else {
			b.Field(6).(*array.BooleanBuilder).Append(i%3 == 0)
		}
	}
	return b.NewRecordBatch()
}

// TestFlatReader checks that the flat reader gives the rows arrow-go's
// generic reader gives, over row groups that do not align with batches,
// with small pages, plain and dictionary encodings.
func TestFlatReader(t *testing.T) {
	const n = 3*BatchRows + 1234
	rec := flatRows(n)
	defer rec.Release()
	cases := []struct {
		name  string
		rg    int64
		page  int64
		dict  bool
		v2    bool
		cols  []string
		check []int // fields of flatSchema read, in order
	}{
		{"plain, one row group", n, 1 << 20, false, false, nil, []int{0, 1, 2, 3, 4, 5, 6}},
		{"dictionary, small row groups and pages", 1000, 4 << 10, true, false, nil, []int{0, 1, 2, 3, 4, 5, 6}},
		{"selected columns", 3000, 8 << 10, true, false, []string{"ok", "s"}, []int{6, 0}},
		{"data pages v2", 2000, 8 << 10, true, true, nil, []int{0, 1, 2, 3, 4, 5, 6}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "data")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			version := parquet.DataPageV1
			if tc.v2 {
				version = parquet.DataPageV2
			}
			props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd),
				parquet.WithMaxRowGroupLength(tc.rg), parquet.WithDataPageSize(tc.page), parquet.WithDictionaryDefault(tc.dict),
				parquet.WithDataPageVersion(version))
			w, err := pqarrow.NewFileWriter(flatSchema, f, props, pqarrow.DefaultWriterProps())
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(rec); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			for _, own := range []bool{true, false} {
				decodeOwnPages = own
				for _, dicts := range []bool{false, true} {
					checkFlat(t, path, tc.cols, tc.check, dicts, tc.dict, rec)
				}
			}
			decodeOwnPages = true
		})
	}
}

// checkFlat reads the file at path and compares its columns with the
// fields check of rec. With dicts, it reads dictionary-encoded columns as
// dictionaries (there must be some when dictEncoded) and compares their
// values.
func checkFlat(t *testing.T, path string, cols []string, check []int, dicts, dictEncoded bool, rec arrow.RecordBatch) {
	t.Helper()
	n := rec.NumRows()
	r, err := open(path, cols, nil, dicts)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.flat == nil {
		t.Fatal("flat columns were not read by the flat reader")
	}
	if r.flat.own != decodeOwnPages {
		t.Fatalf("pages decoded by our own decoder: %v, want %v", r.flat.own, decodeOwnPages)
	}
	ndict := 0
	for _, f := range r.Schema().Fields() {
		if f.Type.ID() == arrow.DICTIONARY {
			ndict++
		}
	}
	if dicts && dictEncoded && ndict == 0 || !dicts && ndict > 0 {
		t.Fatalf("dicts %v: %d dictionary columns in %s", dicts, ndict, r.Schema())
	}
	row := int64(0)
	for {
		got, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for k, fi := range check {
			want := array.NewSlice(rec.Column(fi), row, row+got.NumRows())
			col := got.Column(k)
			if d, ok := col.(*array.Dictionary); ok {
				col = materialize(t, d)
				defer col.Release()
			}
			if !array.Equal(col, want) {
				t.Fatalf("rows %d+%d, column %s: got %v, want %v", row, got.NumRows(), flatSchema.Field(fi).Name, col, want)
			}
			want.Release()
		}
		row += got.NumRows()
		got.Release()
	}
	if row != n {
		t.Fatalf("read %d rows, want %d", row, n)
	}
}

// materialize returns the values of a string or binary dictionary array.
func materialize(t *testing.T, d *array.Dictionary) arrow.Array {
	t.Helper()
	b := array.NewBuilder(memory.DefaultAllocator, d.Dictionary().DataType())
	defer b.Release()
	for i := range d.Len() {
		if d.IsNull(i) {
			b.AppendNull()
			continue
		}
		switch v := d.Dictionary().(type) {
		case *array.String:
			b.(*array.StringBuilder).Append(v.Value(d.GetValueIndex(i)))
		case *array.Binary:
			b.(*array.BinaryBuilder).Append(v.Value(d.GetValueIndex(i)))
		default:
			t.Fatalf("dictionary of %s", v.DataType())
		}
	}
	return b.NewArray()
}

// TestDeterministicFallback writes a column whose dictionary outgrows
// DictionaryBytes, so its chunk holds dictionary and plain pages, several
// times: the bytes must not change.
func TestDeterministicFallback(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "text", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewStringBuilder(memory.DefaultAllocator)
	filler := strings.Repeat("lorem ipsum ", 400)
	for i := 0; b.DataLen() < DictionaryBytes+(1<<20); i++ {
		b.Append(fmt.Sprintf("%d %s", i, filler))
	}
	col := b.NewArray()
	b.Release()
	defer col.Release()
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, int64(col.Len()))
	defer rec.Release()
	var first []byte
	for k := range 10 {
		path := filepath.Join(t.TempDir(), "data")
		w, err := Create(path, schema)
		if err != nil {
			t.Fatal(err)
		}
		for off := int64(0); off < rec.NumRows(); off += 100 {
			part := rec.NewSlice(off, min(off+100, rec.NumRows()))
			err := w.Write(part)
			part.Release()
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if k == 0 {
			if !mixedPages(t, path) {
				t.Fatal("no column chunk has both dictionary and plain data pages")
			}
			first = data
		} else if !bytes.Equal(data, first) {
			t.Fatalf("write %d gave different bytes from the first", k)
		}
	}
}

// mixedPages reports whether some column chunk of the file at path lists
// more than one encoding for its data pages.
func mixedPages(t *testing.T, path string) bool {
	t.Helper()
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, rg := range r.MetaData().RowGroups {
		for _, cc := range rg.Columns {
			data := 0
			for _, s := range cc.MetaData.EncodingStats {
				if s.PageType == 0 { // DATA_PAGE
					data++
				}
			}
			if data > 1 {
				return true
			}
		}
	}
	return false
}
