package sentencepiece

import (
	"os"
	"testing"
)

func BenchmarkZLoad(b *testing.B) {
	for _, n := range []string{"albert_30k_clean", "spm_bpe8k", "spm_unigram8k"} {
		data, _ := os.ReadFile("/work/shared/data/tokenizers/sentencepiece/" + n + ".model")
		b.Run(n, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := Parse(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
