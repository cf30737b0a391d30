package sentencepiece

import (
	"os"
	"slices"
	"sync"
	"testing"
)

// TestConcurrentEncode shares one Model between goroutines and checks that
// each gets the same ids as a sequential run.
func TestConcurrentEncode(t *testing.T) {
	lines := corpusLines(t)
	lines = lines[:min(len(lines), 3000)]
	for _, name := range []string{"spm_bpe8k", "spm_unigram8k"} {
		t.Run(name, func(t *testing.T) {
			m := loadReference(t, name)
			want := make([][]int32, len(lines))
			for i, l := range lines {
				want[i] = m.Encode(l)
			}
			var wg sync.WaitGroup
			errs := make(chan string, 4)
			for g := 0; g < 4; g++ {
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					for i := g; i < len(lines); i += 4 {
						if got := m.Encode(lines[i]); !slices.Equal(got, want[i]) {
							errs <- lines[i]
							return
						}
					}
				}(g)
			}
			wg.Wait()
			close(errs)
			for l := range errs {
				t.Errorf("concurrent Encode(%q) differs from sequential", l)
			}
		})
	}
}

// TestModelsDoNotShareCaches alternates two BPE models on the same words:
// each must keep its own word cache.
func TestModelsDoNotShareCaches(t *testing.T) {
	a := loadTiny(t, "tiny_bpe_udef")
	b := loadReference(t, "spm_bpe8k")
	words := []string{"the nation", "ab ing the", "Congress shall"}
	want := map[string][2][]int32{}
	for _, w := range words {
		fa, _ := Parse(mustRead(t, "testdata/models/tiny_bpe_udef.model"))
		want[w] = [2][]int32{fa.Encode(w), nil}
	}
	for round := 0; round < 3; round++ {
		for _, w := range words {
			if got := a.Encode(w); !slices.Equal(got, want[w][0]) {
				t.Errorf("round %d: tiny model Encode(%q) = %v, want %v", round, w, got, want[w][0])
			}
			b.Encode(w)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
