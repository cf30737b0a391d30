package hf

import (
	"runtime"
	"sync"
	"testing"
)

func corpusBytes(lines []string) int64 {
	var n int64
	for _, l := range lines {
		n += int64(len(l)) + 1
	}
	return n
}

// benchEncode encodes the whole corpus on one goroutine with the named
// fixture tokenizer, loaded afresh (with an empty word cache) each time
// (b.SetBytes: MB/s is corpus MB per second).
func benchEncode(b *testing.B, name string) {
	corpus := readCorpus(b)
	b.SetBytes(corpusBytes(corpus))
	for b.Loop() {
		b.StopTimer()
		tok := loadFixture(b, goldenTokenizers[name])
		b.StartTimer()
		for _, l := range corpus {
			tok.Encode(l)
		}
	}
}

// BenchmarkGPT2Encode encodes the whole corpus on one goroutine, with a
// fresh word cache each time (b.SetBytes: MB/s is corpus MB per second).
func BenchmarkGPT2Encode(b *testing.B) {
	benchEncode(b, "gpt2")
}

// BenchmarkQwen3Encode encodes the whole corpus with Qwen3's tokenizer.json,
// whose Split expression runs on the backtracking regular expression engine.
func BenchmarkQwen3Encode(b *testing.B) {
	benchEncode(b, "qwen3")
}

// BenchmarkT5Encode encodes the whole corpus with a T5 tokenizer.json:
// Precompiled normalizer, a Replace expression, Metaspace and Unigram.
func BenchmarkT5Encode(b *testing.B) {
	benchEncode(b, "t5_unigram8k")
}

// BenchmarkGPT2EncodeParallel encodes the corpus on GOMAXPROCS goroutines.
func BenchmarkGPT2EncodeParallel(b *testing.B) {
	corpus := readCorpus(b)
	b.SetBytes(corpusBytes(corpus))
	workers := runtime.GOMAXPROCS(0)
	for b.Loop() {
		b.StopTimer()
		tok := loadFixture(b, goldenTokenizers["gpt2"])
		b.StartTimer()
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := w; i < len(corpus); i += workers {
					tok.Encode(corpus[i])
				}
			})
		}
		wg.Wait()
	}
}

// BenchmarkTrainBPE30k trains a 30k byte-level BPE on the corpus.
func BenchmarkTrainBPE30k(b *testing.B) {
	corpus := readCorpus(b)
	b.SetBytes(corpusBytes(corpus))
	for b.Loop() {
		if _, err := TrainBPE(lines(corpus...), BPEOptions{VocabSize: 30000}); err != nil {
			b.Fatal(err)
		}
	}
}
