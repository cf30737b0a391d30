package tokenize

import (
	"bufio"
	"compress/gzip"
	"os"
	"testing"
)

// BenchmarkEncodeBatchGPT2 encodes the corpus fixture with GPT-2 on 1 and on
// 2 workers (MB/s: corpus MB per second of wall time).
func BenchmarkEncodeBatchGPT2(b *testing.B) {
	f, err := os.Open("../../testdata/corpus.txt.gz")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	var size int64
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		texts = append(texts, sc.Text())
		size += int64(len(sc.Text()) + 1)
	}
	for _, workers := range []int{1, 2} {
		b.Run(map[int]string{1: "workers=1", 2: "workers=2"}[workers], func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				b.StopTimer()
				tok, err := Load(gpt2Path) // a cold cache each time
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				EncodeBatch(tok, texts, workers)
			}
		})
	}
}
