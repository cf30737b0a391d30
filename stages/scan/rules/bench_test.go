package rules_test

import (
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil/scancorpus"
	"github.com/mlpipe/pipeline/stages/scan/rules"
)

// BenchmarkFind measures the detector alone on 4 MiB of source-like text
// with a fake secret every 500 lines.
func BenchmarkFind(b *testing.B) {
	data, _ := scancorpus.SourceLike(scancorpus.NewFake(1), 4<<20, 500)
	det := rules.Default()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		det.Find(data, rules.Hints{Code: true})
	}
}
