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

// TestCopyPlain checks the copying scan against a byte-at-a-time one that
// decodes the one-byte escapes: same stop, same bytes, for runs with escapes at every
// position, and nothing written past the documented room.
func TestCopyPlain(t *testing.T) {
	want := func(b []byte, i int) (int, []byte) {
		var out []byte
		for i < len(b) {
			c := b[i]
			if c == '\\' && i+1 < len(b) {
				if r, ok := map[byte]byte{'n': '\n', '"': '"', '\\': '\\', '/': '/', 't': '\t', 'r': '\r', 'b': '\b', 'f': '\f'}[b[i+1]]; ok {
					out = append(out, r)
					i += 2
					continue
				}
			}
			if special[c] {
				break
			}
			out = append(out, c)
			i++
		}
		return i, out
	}
	stops := []string{`"`, `\`, `\n`, `\t`, "\x01", `\\`, `\"`, `\u00e9`, `\x`, `\/`}
	for n := range 24 {
		for _, stop := range stops {
			for pos := range n + 1 {
				b := []byte{}
				for k := range n {
					if k == pos {
						b = append(b, stop...)
					}
					b = append(b, byte('a'+k%26))
				}
				for start := range len(b) + 1 {
					// Room as documented: len(b)-start+8, then a guard.
					room := len(b) - start + 8
					dst := make([]byte, room+4)
					for k := range dst {
						dst[k] = 0xee
					}
					gotI, gotO := copyPlain(dst[:room], 0, b, start)
					wantI, wantOut := want(b, start)
					if gotI != wantI || string(dst[:gotO]) != string(wantOut) {
						t.Fatalf("copyPlain(%q, %d) = %d, %q; want %d, %q", b, start, gotI, dst[:gotO], wantI, wantOut)
					}
					if string(dst[room:]) != "\xee\xee\xee\xee" {
						t.Fatalf("copyPlain(%q, %d) wrote past its room", b, start)
					}
				}
			}
		}
	}
}
