package tokenize

import (
	"runtime"
	"sync"
	"sync/atomic"
)

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
		for i, s := range texts {
			out[i] = t.Encode(s)
		}
		return out
	}
	// Texts are handed out in small chunks so that long and short texts even
	// out across workers; each worker writes only its own slots.
	const chunk = 16
	var next atomic.Int64
	take := func() (int, int) {
		hi := int(next.Add(chunk))
		lo := hi - chunk
		if lo >= len(texts) {
			return 0, 0
		}
		return lo, min(hi, len(texts))
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				lo, hi := take()
				if lo == hi {
					return
				}
				for i := lo; i < hi; i++ {
					out[i] = t.Encode(texts[i])
				}
			}
		})
	}
	wg.Wait()
	return out
}
