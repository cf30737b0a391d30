package table

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestRecycleBatches reads a table whose batches are released as they are
// read, and one batch that is kept: released memory serves later batches,
// kept memory is never reused, and every batch holds the right rows.
func TestRecycleBatches(t *testing.T) {
	// Column b's pages hold pageRows values each: several batches share
	// each page, and the kept batch's page is passed while it is held.
	const n = 2*pageRows + 5077
	rec := flatRows(n)
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "data")
	writeBatches(t, path, rec, []int64{n})
	cases := []struct {
		name string
		keep int // index of a batch not released until the end (-1: none)
	}{
		{"every batch released", -1},
		{"second batch kept", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			r.RecycleBatches()
			var kept arrow.RecordBatch
			keptAt := int64(0)
			row := int64(0)
			for k := 0; ; k++ {
				got, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				sameRows(t, got, rec, row)
				if k == tc.keep {
					kept, keptAt = got, row
				} else {
					got.Release()
				}
				row += got.NumRows()
			}
			if row != n {
				t.Fatalf("read %d rows, want %d", row, n)
			}
			if kept != nil {
				sameRows(t, kept, rec, keptAt)
				kept.Release()
			}
			for _, c := range r.flat.cols[:2] {
				if c.recycle.reused == 0 {
					t.Errorf("column %s: no buffer was reused", c.name)
				}
			}
		})
	}
}

// sameRows checks that got holds the rows of want from row at on.
func sameRows(t *testing.T, got, want arrow.RecordBatch, at int64) {
	t.Helper()
	for i, col := range got.Columns() {
		w := array.NewSlice(want.Column(i), at, at+got.NumRows())
		if !array.Equal(col, w) {
			t.Fatalf("rows %d+%d, column %s differ", at, got.NumRows(), want.Schema().Field(i).Name)
		}
		w.Release()
	}
}

// TestPageAlignedBatches reads a table of long texts: batches end with the
// text column's pages, whose values they take without a copy, and still
// hold the right rows when the batches are kept or released.
func TestPageAlignedBatches(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "n", Type: arrow.PrimitiveTypes.Int64},
		{Name: "text", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	const n = 3000
	for i := range n {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		if i%97 == 5 {
			b.Field(1).AppendNull()
			continue
		}
		b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("%d %s", i, strings.Repeat("lorem ipsum ", 150+i%50)))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "data")
	writeBatches(t, path, rec, []int64{700})
	for _, recycle := range []bool{false, true} {
		r, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if recycle {
			r.RecycleBatches()
		}
		var kept []arrow.RecordBatch
		var at []int64
		row := int64(0)
		for {
			got, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.NumRows() >= BatchRows {
				t.Fatalf("batch of %d rows: not cut at the text column's pages", got.NumRows())
			}
			sameRows(t, got, rec, row)
			if len(kept) < 3 {
				kept, at = append(kept, got), append(at, row)
			} else {
				got.Release()
			}
			row += got.NumRows()
		}
		r.Close()
		if row != n {
			t.Fatalf("read %d rows, want %d", row, n)
		}
		for i, k := range kept {
			sameRows(t, k, rec, at[i])
			k.Release()
		}
	}
}

// TestRecycleDictionaries reads a dictionary-encoded text column over four
// row groups as Arrow dictionaries with RecycleBatches: a released row
// group's dictionary entries serve a later one, while the dictionary of a
// batch still held stays intact.
func TestRecycleDictionaries(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "text", Type: arrow.BinaryTypes.String},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	const n = 3*RowGroupRows + 5000
	text := func(i int) string { return fmt.Sprintf("%03d %s", (i*7)%41, strings.Repeat("w", 120)) }
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i := range n {
		b.Field(0).(*array.StringBuilder).Append(text(i))
		b.Field(1).(*array.Int64Builder).Append(int64(i))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "data")
	writeBatches(t, path, rec, []int64{n})

	r, err := OpenDictionaries(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.RecycleBatches()
	check := func(got arrow.RecordBatch, at int64) {
		t.Helper()
		d, ok := got.Column(0).(*array.Dictionary)
		if !ok {
			t.Fatalf("text column read as %T, want a dictionary", got.Column(0))
		}
		dict := d.Dictionary().(*array.String)
		for j := 0; j < d.Len(); j++ {
			if v, want := dict.Value(d.GetValueIndex(j)), text(int(at)+j); v != want {
				t.Fatalf("row %d: %q, want %q", int(at)+j, v, want)
			}
		}
	}
	pc := r.flat.cols[0].pc
	entries := map[*byte]bool{} // the backing arrays of the dictionaries loaded
	gens := map[int]bool{}
	var kept arrow.RecordBatch
	row := int64(0)
	for k := 0; ; k++ {
		got, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		check(got, row)
		if !gens[pc.dictGen] {
			gens[pc.dictGen] = true
			entries[unsafe.SliceData(pc.dictData)] = true
		}
		if k == 0 {
			kept = got
		} else {
			got.Release()
		}
		row += got.NumRows()
	}
	if row != n || len(gens) != 4 {
		t.Fatalf("read %d rows in %d row groups, want %d in 4", row, len(gens), n)
	}
	check(kept, 0)
	kept.Release()
	if len(entries) == len(gens) {
		t.Errorf("each of the %d dictionaries drew fresh memory: none was recycled", len(gens))
	}
}
