package sentencepiece

import (
	"testing"
)

// BenchmarkEncode encodes the whole corpus, line by line, on one goroutine.
// Compare with the C++ library using bench/sentencepiece/run.sh.
func BenchmarkEncode(b *testing.B) {
	lines := corpusLines(b)
	size := 0
	for _, l := range lines {
		size += len(l) + 1
	}
	for _, name := range referenceModels {
		b.Run(name, func(b *testing.B) {
			m := loadReference(b, name)
			b.SetBytes(int64(size))
			b.ResetTimer()
			var ids []int32
			for i := 0; i < b.N; i++ {
				for _, l := range lines {
					ids = m.AppendEncode(ids[:0], l)
				}
			}
		})
	}
}

// BenchmarkEncodeParallel encodes the corpus from GOMAXPROCS goroutines
// sharing one Model.
func BenchmarkEncodeParallel(b *testing.B) {
	lines := corpusLines(b)
	for _, name := range referenceModels {
		b.Run(name, func(b *testing.B) {
			m := loadReference(b, name)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var ids []int32
				i := 0
				for pb.Next() {
					ids = m.AppendEncode(ids[:0], lines[i%len(lines)])
					i++
				}
			})
		})
	}
}

// BenchmarkLoad parses each model file.
func BenchmarkLoad(b *testing.B) {
	for _, name := range referenceModels {
		b.Run(name, func(b *testing.B) {
			loadReference(b, name)
			for i := 0; i < b.N; i++ {
				loadReference(b, name)
			}
		})
	}
}
