// Package decode turns the bytes of a file into UTF-8 text for the scanner:
// it recognises byte-order marks and UTF-16 (little and big endian), tells
// text from binary, and converts UTF-16 to UTF-8 as a stream.
package decode

// Encoding is how a file's text is encoded.
type Encoding int

// Encodings the scanner reads.
const (
	// UTF8 is UTF-8 or ASCII (or anything else without NUL bytes).
	UTF8 Encoding = iota
	// UTF16LE is UTF-16, little endian.
	UTF16LE
	// UTF16BE is UTF-16, big endian.
	UTF16BE
	// Binary is not text.
	Binary
)

// String names the encoding.
func (e Encoding) String() string {
	switch e {
	case UTF8:
		return "utf-8"
	case UTF16LE:
		return "utf-16le"
	case UTF16BE:
		return "utf-16be"
	}
	return "binary"
}

// Sniff inspects the first bytes of a file (512 or more when available) and
// returns its encoding and the length of its byte-order mark, if any. Without
// a mark, UTF-16 is recognised by NUL bytes in every other position; other
// content with NUL bytes is binary.
func Sniff(head []byte) (enc Encoding, bom int) {
	switch {
	case len(head) >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF:
		return UTF8, 3
	case len(head) >= 2 && head[0] == 0xFF && head[1] == 0xFE:
		return UTF16LE, 2
	case len(head) >= 2 && head[0] == 0xFE && head[1] == 0xFF:
		return UTF16BE, 2
	}
	n := len(head) &^ 1
	if n > 8000 {
		n = 8000
	}
	var zeroEven, zeroOdd int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			zeroEven++
		}
		if head[i+1] == 0 {
			zeroOdd++
		}
	}
	if zeroEven+zeroOdd == 0 {
		if len(head)&1 == 1 && head[len(head)-1] == 0 {
			return Binary, 0
		}
		return UTF8, 0
	}
	pairs := n / 2
	if pairs >= 8 {
		switch {
		case zeroOdd*10 >= pairs*4 && zeroEven*20 <= pairs:
			return UTF16LE, 0
		case zeroEven*10 >= pairs*4 && zeroOdd*20 <= pairs:
			return UTF16BE, 0
		}
	}
	return Binary, 0
}
