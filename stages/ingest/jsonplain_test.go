package ingest

import "testing"

// TestPlainRun checks the word-at-a-time scan against a byte-at-a-time one
// for every special byte at every position of strings around the word size.
func TestPlainRun(t *testing.T) {
	want := func(b []byte, i int) int {
		for i < len(b) && !special[b[i]] {
			i++
		}
		return i
	}
	fillers := []byte{'a', 0x7f, 0x80, 0xe2, 0xff, ' ', '!', '#', '[', ']'}
	stops := []byte{'"', '\\', 0x00, 0x1f, '\n'}
	for n := range 20 {
		for _, f := range fillers {
			for pos := range n + 1 {
				for _, c := range stops {
					b := make([]byte, n)
					for k := range b {
						b[k] = f
					}
					if pos < n {
						b[pos] = c
					}
					for start := range n + 1 {
						if got, w := plainRun(b, start), want(b, start); got != w {
							t.Fatalf("plainRun(%q, %d) = %d, want %d", b, start, got, w)
						}
					}
				}
			}
		}
	}
}
