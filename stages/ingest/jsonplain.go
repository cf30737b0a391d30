package ingest

import (
	"encoding/binary"
	"math/bits"
)

// SWAR constants: one byte repeated over a 64-bit word.
const (
	ones   = 0x0101010101010101
	highs  = 0x8080808080808080
	quotes = '"' * ones
	slashs = '\\' * ones
	ctrls  = 0x20 * ones
)

// plainRun returns the index of the first byte at or after i in b that ends
// a string's plain run (a double quote, a backslash or a control byte), or
// len(b). It tests eight bytes at a time: in each word, a byte equal to the
// quote or backslash becomes zero after the xor, and the classic
// (x - 0x01..) &^ x & 0x80.. test flags zero bytes; bytes under 0x20 borrow
// in w - 0x20.. while their high bit is clear. Borrows only ever flag bytes
// above a true hit, so the lowest flag is exact.
func plainRun(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		q := w ^ quotes
		s := w ^ slashs
		m := ((q - ones) &^ q) | ((s - ones) &^ s) | ((w - ctrls) &^ w)
		if m &= highs; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for i < len(b) && !special[b[i]] {
		i++
	}
	return i
}

// oneByteEscape maps the letter after a backslash to the byte it stands for,
// for the escapes that decode to one byte; 0 for the others.
var oneByteEscape = [256]byte{'n': '\n', '"': '"', '\\': '\\', '/': '/', 't': '\t', 'r': '\r', 'b': '\b', 'f': '\f'}

// copyPlain copies the plain run of b starting at i to dst at o, decoding
// the one-byte escapes in it, and returns the index of the byte that ends it
// (a double quote, a control byte, or the backslash of a \u escape or of a
// bad one) and the new end in dst. Decoded, an escape's two bytes become
// one, so o advances at most as much as i. It copies a word at a time, so it
// may write up to eight bytes past the run's end: dst must have len(b)-i+8
// bytes from o.
func copyPlain(dst []byte, o int, b []byte, i int) (int, int) {
	for i+8 <= len(b) {
		w := binary.LittleEndian.Uint64(b[i:])
		binary.LittleEndian.PutUint64(dst[o:], w)
		q := w ^ quotes
		s := w ^ slashs
		m := ((q - ones) &^ q) | ((s - ones) &^ s) | ((w - ctrls) &^ w)
		if m &= highs; m != 0 {
			k := bits.TrailingZeros64(m) / 8
			i, o = i+k, o+k
			// One-byte escapes ("\n" is by far the most common in text)
			// are decoded here; the caller handles the rest.
			if b[i] == '\\' && i+1 < len(b) && oneByteEscape[b[i+1]] != 0 {
				dst[o] = oneByteEscape[b[i+1]]
				i, o = i+2, o+1
				continue
			}
			return i, o
		}
		i += 8
		o += 8
	}
	for i < len(b) {
		c := b[i]
		if c == '\\' && i+1 < len(b) && oneByteEscape[b[i+1]] != 0 {
			dst[o] = oneByteEscape[b[i+1]]
			i, o = i+2, o+1
			continue
		}
		if special[c] {
			break
		}
		dst[o] = c
		i++
		o++
	}
	return i, o
}
