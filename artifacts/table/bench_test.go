package table

import (
	"errors"
	"io"
	"path/filepath"
	"testing"
)

// BenchmarkWrite measures writing the sample table (text, numbers, token lists).
func BenchmarkWrite(b *testing.B) {
	s := sampleSchema()
	rec := sampleBatch(b, s, 0, 10000)
	defer rec.Release()
	path := filepath.Join(b.TempDir(), "data")
	b.ResetTimer()
	for range b.N {
		w, err := Create(path, s)
		if err != nil {
			b.Fatal(err)
		}
		for range 10 {
			if err := w.Write(rec); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead measures reading the sample table back.
func BenchmarkRead(b *testing.B) {
	path := filepath.Join(b.TempDir(), "data")
	writeSample(b, path, 100000, 10000)
	b.ResetTimer()
	for range b.N {
		r, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		drain(b, r)
	}
}

// drain reads every batch of r and closes it.
func drain(b *testing.B, r *Reader) {
	defer r.Close()
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			b.Fatal(err)
		}
		rec.Release()
	}
}

// BenchmarkReadFlat measures reading a table of flat columns (the flat
// reader's path), materialising strings and keeping dictionaries.
func BenchmarkReadFlat(b *testing.B) {
	path := filepath.Join(b.TempDir(), "data")
	rec := flatRows(50000)
	w, err := Create(path, flatSchema)
	if err != nil {
		b.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		b.Fatal(err)
	}
	rec.Release()
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	for _, dicts := range []bool{false, true} {
		name := "strings"
		if dicts {
			name = "dictionaries"
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				r, err := open(path, nil, nil, dicts)
				if err != nil {
					b.Fatal(err)
				}
				drain(b, r)
			}
		})
	}
}

// BenchmarkWriteFlat measures writing a table of flat columns (the flat
// writer's path): distinct and repeated strings, numbers, flags, nulls.
func BenchmarkWriteFlat(b *testing.B) {
	rec := flatRows(50000)
	defer rec.Release()
	path := filepath.Join(b.TempDir(), "data")
	b.SetBytes(int64(rec.Column(0).Data().Buffers()[2].Len()))
	b.ResetTimer()
	for range b.N {
		w, err := Create(path, flatSchema)
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Write(rec); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
