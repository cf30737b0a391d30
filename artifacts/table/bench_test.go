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
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rec.Release()
		}
		r.Close()
	}
}
