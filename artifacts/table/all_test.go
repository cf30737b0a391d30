package table

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestReaderAll yields every batch once, stops where the loop breaks
// (leaving the rest to Next), and ends with the reader's error.
func TestReaderAll(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data")
	writeSample(t, path, 3*BatchRows+5, 1000)
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows, batches int64
	for rec, err := range r.All() {
		if err != nil {
			t.Fatal(err)
		}
		rows += rec.NumRows()
		batches++
	}
	r.Close()
	if rows != 3*BatchRows+5 || batches != 4 {
		t.Fatalf("All yielded %d rows in %d batches, want %d in 4", rows, batches, 3*BatchRows+5)
	}

	r, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for rec, err := range r.All() {
		if err != nil || rec.NumRows() != BatchRows {
			t.Fatalf("first batch: %v rows, %v", rec.NumRows(), err)
		}
		break
	}
	rest, err := r.Next()
	if err != nil || rest.NumRows() != BatchRows {
		t.Fatalf("Next after a break: %v, want the second batch", err)
	}
	rest.Release()

	r.Close()
	var errs []error
	for rec, err := range r.All() {
		if rec != nil {
			t.Fatal("a closed reader yielded a batch")
		}
		errs = append(errs, err)
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "reader is closed") {
		t.Fatalf("a closed reader yielded %v", errs)
	}
}
