package table

import (
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// TestRecycleBatches reads a table whose batches are released as they are
// read, and one batch that is kept: released memory serves later batches,
// kept memory is never reused, and every batch holds the right rows.
func TestRecycleBatches(t *testing.T) {
	const n = 6*BatchRows + 77
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
			if reused := r.flat.cols[0].recycle.reused; reused == 0 {
				t.Error("no buffer was reused")
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
