package sentencepiece

import (
	"os"
	"strings"
	"testing"
)

func benchModel(b *testing.B, name string) {
	m, err := Load("/work/shared/data/tokenizers/sentencepiece/" + name + ".model")
	if err != nil {
		b.Fatal(err)
	}
	in, _ := os.ReadFile("/tmp/corpus.txt")
	lines := strings.Split(strings.TrimSuffix(string(in), "\n"), "\n")
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	var buf []int32
	for i := 0; i < b.N; i++ {
		for _, l := range lines {
			buf = m.AppendEncode(buf[:0], l)
		}
	}
}
func BenchmarkZBPE(b *testing.B)    { benchModel(b, "spm_bpe8k") }
func BenchmarkZUni(b *testing.B)    { benchModel(b, "spm_unigram8k") }
func BenchmarkZAlbert(b *testing.B) { benchModel(b, "albert_30k_clean") }
