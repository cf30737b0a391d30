package tokenize

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// workerMaker is implemented by tokenizers with a faster encoder for one
// goroutine at a time (such as one with a private cache).
type workerMaker interface {
	newWorker() func(text string) []int32
}

func worker(t Tokenizer) func(string) []int32 {
	if w, ok := t.(workerMaker); ok {
		return w.newWorker()
	}
	return t.Encode
}

// EncodeBatch encodes texts on up to workers goroutines (0: one per CPU) and
// returns their ids in the order of texts.
func EncodeBatch(t Tokenizer, texts []string, workers int) [][]int32 {
	out := make([][]int32, len(texts))
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > len(texts) {
		workers = len(texts)
	}
	if workers <= 1 {
		encode := worker(t)
		for i, s := range texts {
			out[i] = encode(s)
		}
		return out
	}
	// Texts are handed out in chunks: contiguous enough that a worker's word
	// cache sees related texts, small enough (about 8 per worker) that long
	// and short texts even out. Each worker writes only its own slots.
	chunk := max(16, len(texts)/(8*workers))
	var next atomic.Int64
	take := func() (int, int) {
		hi := int(next.Add(int64(chunk)))
		lo := hi - chunk
		if lo >= len(texts) {
			return 0, 0
		}
		return lo, min(hi, len(texts))
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			encode := worker(t)
			for {
				lo, hi := take()
				if lo == hi {
					return
				}
				for i := lo; i < hi; i++ {
					out[i] = encode(texts[i])
				}
			}
		})
	}
	wg.Wait()
	return out
}
