package sentencepiece

// unicodeError is the code point the C++ decoder returns for malformed input.
const unicodeError = 0xFFFD

// replacementChar is U+FFFD in UTF-8, emitted for each malformed input byte.
const replacementChar = "\xEF\xBF\xBD"

// spaceSymbol is U+2581 (LOWER ONE EIGHTH BLOCK), which stands for a space
// inside pieces.
const spaceSymbol = "\xE2\x96\x81"

// oneCharLen is the length of the UTF-8 sequence that the lead byte b
// announces, trusting the lead byte alone as the C++ library does: 1 for
// ASCII and stray continuation bytes, 2, 3 or 4 otherwise.
func oneCharLen(b byte) int {
	return int(charLenTable[b>>4])
}

var charLenTable = [16]uint8{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4}

// clippedCharLen is oneCharLen limited to the n bytes that remain.
func clippedCharLen(b byte, n int) int {
	l := oneCharLen(b)
	if l > n {
		return n
	}
	return l
}

func isTrailByte(b byte) bool { return b&0xC0 == 0x80 }

func isValidCodepoint(c rune) bool {
	return uint32(c) < 0xD800 || (c >= 0xE000 && c <= 0x10FFFF)
}

// decodeUTF8 decodes the first character of s the way the C++ library does:
// it returns the code point and its length, or (unicodeError, 1) when the
// bytes are malformed (overlong forms and surrogates included).
func decodeUTF8(s string) (rune, int) {
	n := len(s)
	b0 := s[0]
	switch {
	case b0 < 0x80:
		return rune(b0), 1
	case n >= 2 && b0&0xE0 == 0xC0:
		c := rune(b0&0x1F)<<6 | rune(s[1]&0x3F)
		if isTrailByte(s[1]) && c >= 0x80 && isValidCodepoint(c) {
			return c, 2
		}
	case n >= 3 && b0&0xF0 == 0xE0:
		c := rune(b0&0x0F)<<12 | rune(s[1]&0x3F)<<6 | rune(s[2]&0x3F)
		if isTrailByte(s[1]) && isTrailByte(s[2]) && c >= 0x800 && isValidCodepoint(c) {
			return c, 3
		}
	case n >= 4 && b0&0xF8 == 0xF0:
		c := rune(b0&0x07)<<18 | rune(s[1]&0x3F)<<12 | rune(s[2]&0x3F)<<6 | rune(s[3]&0x3F)
		if isTrailByte(s[1]) && isTrailByte(s[2]) && isTrailByte(s[3]) && c >= 0x10000 && isValidCodepoint(c) {
			return c, 4
		}
	}
	return unicodeError, 1
}

// validPrefix reports whether s starts with a well-formed character and how
// many bytes it spans; a malformed start spans one byte. A literal U+FFFD is
// well formed.
func validPrefix(s string) (int, bool) {
	c, n := decodeUTF8(s)
	return n, c != unicodeError || n == 3
}
