package sentencepiece

import "testing"

func TestDecodeUTF8(t *testing.T) {
	tests := []struct {
		in    string
		r     rune
		n     int
		valid bool
	}{
		{"a", 'a', 1, true},
		{"\x7f", 0x7f, 1, true},
		{"é", 'é', 2, true},
		{"日", '日', 3, true},
		{"😀", '😀', 4, true},
		{"\ufffd", 0xfffd, 3, true}, // a literal U+FFFD is well formed
		{"\xff", unicodeError, 1, false},
		{"\xc3", unicodeError, 1, false},         // truncated
		{"\xc0\xaf", unicodeError, 1, false},     // overlong
		{"\xed\xa0\x80", unicodeError, 1, false}, // surrogate
		{"\xf4\x90\x80\x80", unicodeError, 1, false},
		{"\x80", unicodeError, 1, false},
	}
	for _, tt := range tests {
		r, n := decodeUTF8(tt.in)
		l, ok := validPrefix(tt.in)
		if r != tt.r || n != tt.n || l != tt.n || ok != tt.valid {
			t.Errorf("decodeUTF8(%q) = %U, %d, valid %v; want %U, %d, %v", tt.in, r, n, ok, tt.r, tt.n, tt.valid)
		}
	}
}

func TestCharLen(t *testing.T) {
	tests := []struct {
		b    byte
		n    int
		want int
	}{{'a', 5, 1}, {0x80, 5, 1}, {0xc3, 5, 2}, {0xe6, 5, 3}, {0xf0, 5, 4}, {0xf0, 2, 2}}
	for _, tt := range tests {
		if got := clippedCharLen(tt.b, tt.n); got != tt.want {
			t.Errorf("clippedCharLen(%#x, %d) = %d, want %d", tt.b, tt.n, got, tt.want)
		}
	}
}

func TestBytePieces(t *testing.T) {
	for b := 0; b < 256; b++ {
		if got := pieceToByte(byteToPiece(byte(b))); got != b {
			t.Fatalf("pieceToByte(byteToPiece(%d)) = %d", b, got)
		}
	}
	for _, p := range []string{"<0x4g>", "<0x4a>", "<0x041>", "0x41", "<0X41>"} {
		if got := pieceToByte(p); got != -1 {
			t.Errorf("pieceToByte(%q) = %d, want -1", p, got)
		}
	}
}
