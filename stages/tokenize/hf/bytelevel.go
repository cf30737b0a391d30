package hf

import "unicode/utf8"

// byteRune maps each byte to the printable character that stands for it in
// byte-level vocabularies (GPT-2's bytes_to_unicode): printable Latin-1 bytes
// stand for themselves, the others for U+0100 onwards in byte order.
var byteRune [256]rune

// runeByte is the inverse of byteRune.
var runeByte = map[rune]byte{}

func init() {
	n := rune(0)
	for b := 0; b < 256; b++ {
		if (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF) {
			byteRune[b] = rune(b)
		} else {
			byteRune[b] = 256 + n
			n++
		}
		runeByte[byteRune[b]] = byte(b)
	}
}

// toByteLevel returns the byte-level spelling of raw bytes.
func toByteLevel(raw string) string {
	out := make([]byte, 0, 2*len(raw))
	for i := 0; i < len(raw); i++ {
		out = utf8.AppendRune(out, byteRune[raw[i]])
	}
	return string(out)
}

// fromByteLevel returns the raw bytes a byte-level spelling stands for, and
// false if it holds a character outside the byte-level alphabet.
func fromByteLevel(s string) (string, bool) {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		b, ok := runeByte[r]
		if !ok {
			return "", false
		}
		out = append(out, b)
	}
	return string(out), true
}
