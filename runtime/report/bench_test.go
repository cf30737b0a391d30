package report

import (
	"io"
	"testing"
)

// BenchmarkReport builds and renders the fixture run's report: four
// history tables, two sets of eval tables, a sweep.
func BenchmarkReport(b *testing.B) {
	ws, m := fixture(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := Write(io.Discard, ws, m); err != nil {
			b.Fatal(err)
		}
	}
}
