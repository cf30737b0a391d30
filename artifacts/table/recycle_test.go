package table

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

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
