package sentencepiece

import "fmt"

// byteToPiece is the byte-fallback piece for b: <0x00> … <0xFF>.
func byteToPiece(b byte) string {
	return fmt.Sprintf("<0x%02X>", b)
}

// pieceToByte parses a byte-fallback piece, returning -1 when piece is not one.
// Only the exact form byteToPiece writes is accepted.
func pieceToByte(piece string) int {
	if len(piece) != 6 || piece[:3] != "<0x" || piece[5] != '>' {
		return -1
	}
	hi, lo := hexDigit(piece[3]), hexDigit(piece[4])
	if hi < 0 || lo < 0 {
		return -1
	}
	return hi<<4 | lo
}

// hexDigit is the value of an upper-case hexadecimal digit, or -1.
func hexDigit(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
