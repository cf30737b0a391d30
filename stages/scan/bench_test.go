package scan

import (
	"bytes"
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil/scancorpus"
)

// BenchmarkScanText measures the text path (keyword prefilter, rules,
// reporting) on 8 MiB of source-like text with a fake secret every 500 lines.
func BenchmarkScanText(b *testing.B) {
	data, _ := scancorpus.SourceLike(scancorpus.NewFake(1), 8<<20, 500)
	s := New(Options{})
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep := &Report{}
		if err := s.scanText(bytes.NewReader(data), "bench.py", hintsFor("bench.py"), false, rep); err != nil {
			b.Fatal(err)
		}
	}
}
