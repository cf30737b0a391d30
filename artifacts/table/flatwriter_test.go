package table

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// writeBatches writes rec to a new table at path in batches of the given
// sizes (cycled), each a slice of rec.
func writeBatches(t *testing.T, path string, rec arrow.RecordBatch, sizes []int64) {
	t.Helper()
	w, err := Create(path, rec.Schema())
	if err != nil {
		t.Fatal(err)
	}
	if w.flat == nil {
		t.Fatal("flat columns were not written by the flat writer")
	}
	for off, k := int64(0), 0; off < rec.NumRows(); k++ {
		end := min(off+sizes[k%len(sizes)], rec.NumRows())
		part := rec.NewSlice(off, end)
		err := w.Write(part)
		part.Release()
		if err != nil {
			t.Fatal(err)
		}
		off = end
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// readGeneric reads the whole table at path with arrow-go's own reader.
func readGeneric(t *testing.T, path string) arrow.Table {
	t.Helper()
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// TestFlatWriter writes flat tables with the flat writer and reads them
// back with arrow-go's reader and with the flat reader (materialised and
// as dictionaries): same rows, whatever the batches, pages and row groups.
func TestFlatWriter(t *testing.T) {
	cases := []struct {
		name   string
		rows   int
		sizes  []int64
		groups int
	}{
		{"one batch", 2000, []int64{2000}, 1},
		{"uneven batches over several pages", pageRows + 5000, []int64{1000, 1, 4097}, 1},
		{"several row groups", RowGroupRows + 3000, []int64{50000}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := flatRows(tc.rows)
			defer rec.Release()
			path := filepath.Join(t.TempDir(), "data")
			writeBatches(t, path, rec, tc.sizes)
			checkByteStats(t, path, rec, 0, tc.groups)
			tbl := readGeneric(t, path)
			defer tbl.Release()
			if tbl.NumRows() != rec.NumRows() {
				t.Fatalf("arrow-go read %d rows, want %d", tbl.NumRows(), rec.NumRows())
			}
			for i := range int(tbl.NumCols()) {
				want := arrow.NewChunked(rec.Column(i).DataType(), []arrow.Array{rec.Column(i)})
				if !array.ChunkedEqual(tbl.Column(i).Data(), want) {
					t.Errorf("arrow-go read column %s differently", flatSchema.Field(i).Name)
				}
				want.Release()
			}
			all := []int{0, 1, 2, 3, 4, 5, 6}
			for _, dicts := range []bool{false, true} {
				checkFlat(t, path, nil, all, dicts, false, rec)
			}
		})
	}
}

// checkByteStats checks that the file at path has groups row groups and
// that each chunk of byte-array column col has the minimum, maximum and
// null count of its rows in rec.
func checkByteStats(t *testing.T, path string, rec arrow.RecordBatch, col, groups int) {
	t.Helper()
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	if got := pf.NumRowGroups(); got != groups {
		t.Fatalf("%d row groups, want %d", got, groups)
	}
	a := rec.Column(col).(*array.String)
	row := 0
	for rg := range groups {
		md := pf.MetaData().RowGroup(rg)
		var lo, hi string
		nulls, seen := int64(0), false
		for i := row; i < row+int(md.NumRows()); i++ {
			if a.IsNull(i) {
				nulls++
				continue
			}
			v := a.Value(i)
			if !seen || v < lo {
				lo = v
			}
			if !seen || v > hi {
				hi = v
			}
			seen = true
		}
		row += int(md.NumRows())
		cc, err := md.ColumnChunk(col)
		if err != nil {
			t.Fatal(err)
		}
		st, err := cc.Statistics()
		if err != nil {
			t.Fatal(err)
		}
		s := st.(*metadata.ByteArrayStatistics)
		if string(s.Min()) != lo || string(s.Max()) != hi || s.NullCount() != nulls {
			t.Errorf("row group %d: min %.20q max %.20q nulls %d, want %.20q %.20q %d", rg, s.Min(), s.Max(), s.NullCount(), lo, hi, nulls)
		}
	}
}

// TestFlatWriterEncodings checks the choice of encoding per column chunk
// and the chunk statistics.
func TestFlatWriterEncodings(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "unique", Type: arrow.BinaryTypes.String},
		{Name: "labels", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "nulls", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "x", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	const n = 5000
	for i := range n {
		b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("id-%06d", i))
		if i%10 == 9 {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append([]string{"ham", "spam", "eggs"}[i%3])
		}
		b.Field(2).AppendNull()
		if i%7 == 0 {
			b.Field(3).AppendNull()
		} else {
			b.Field(3).(*array.Int64Builder).Append(int64(i) - 100)
		}
		x := float64(i)
		if i == 3 {
			x = math.NaN()
		}
		b.Field(4).(*array.Float64Builder).Append(x)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "data")
	writeBatches(t, path, rec, []int64{999})
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	rg := pf.MetaData().RowGroup(0)
	cases := []struct {
		col        int
		dictionary bool
		nulls      int64
		min, max   any // nil: no min and max
	}{
		{0, false, 0, "id-000000", "id-004999"},
		{1, true, n / 10, "eggs", "spam"},
		{2, false, n, nil, nil},
		{3, false, (n + 6) / 7, int64(-99), int64(n - 1 - 100)},
		{4, false, 0, float64(0), float64(n - 1)},
	}
	for _, tc := range cases {
		name := schema.Field(tc.col).Name
		cc, err := rg.ColumnChunk(tc.col)
		if err != nil {
			t.Fatal(err)
		}
		if cc.HasDictionaryPage() != tc.dictionary {
			t.Errorf("%s: dictionary page %v, want %v", name, cc.HasDictionaryPage(), tc.dictionary)
		}
		st, err := cc.Statistics()
		if err != nil || st == nil {
			t.Fatalf("%s: statistics: %v", name, err)
		}
		if st.NullCount() != tc.nulls {
			t.Errorf("%s: null count %d, want %d", name, st.NullCount(), tc.nulls)
		}
		if st.HasMinMax() != (tc.min != nil) {
			t.Errorf("%s: has min/max %v", name, st.HasMinMax())
			continue
		}
		var lo, hi any
		switch s := st.(type) {
		case *metadata.ByteArrayStatistics:
			lo, hi = string(s.Min()), string(s.Max())
		case *metadata.Int64Statistics:
			lo, hi = s.Min(), s.Max()
		case *metadata.Float64Statistics:
			lo, hi = s.Min(), s.Max()
		}
		if tc.min != nil && (lo != tc.min || hi != tc.max) {
			t.Errorf("%s: min, max = %v, %v, want %v, %v", name, lo, hi, tc.min, tc.max)
		}
	}
}
