// Package decode turns the bytes of a file into UTF-8 text for the scanner:
// it recognises byte-order marks, UTF-16 and UTF-32 (little and big
// endian), tells text from binary, and converts them to UTF-8 as a stream.
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
	// UTF32LE is UTF-32, little endian.
	UTF32LE
	// UTF32BE is UTF-32, big endian.
	UTF32BE
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
	case UTF32LE:
		return "utf-32le"
	case UTF32BE:
		return "utf-32be"
	}
	return "binary"
}

// Sniff inspects the first bytes of a file (512 or more when available) and
// returns its encoding and the length of its byte-order mark, if any. Without
// a mark, UTF-32 is recognised by three NUL bytes in every four and UTF-16
// by NUL bytes in every other position; other content with NUL bytes is
// binary.
func Sniff(head []byte) (enc Encoding, bom int) {
	switch {
	case len(head) >= 4 && head[0] == 0xFF && head[1] == 0xFE && head[2] == 0 && head[3] == 0:
		return UTF32LE, 4
	case len(head) >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 0xFE && head[3] == 0xFF:
		return UTF32BE, 4
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
	if enc, ok := sniffUTF32(head); ok {
		return enc, 0
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

// sniffUTF32 recognises UTF-32 without a mark: in most 4-byte units of text
// (the code points below U+0100) three bytes are NUL, and the fourth is
// not.
func sniffUTF32(head []byte) (Encoding, bool) {
	units := min(len(head), 8000) / 4
	if units < 4 {
		return Binary, false
	}
	var le, be int
	for i := 0; i < units*4; i += 4 {
		u := head[i : i+4]
		if u[1] == 0 && u[2] == 0 && u[3] == 0 && u[0] != 0 {
			le++
		}
		if u[0] == 0 && u[1] == 0 && u[2] == 0 && u[3] != 0 {
			be++
		}
	}
	switch {
	case le*10 >= units*8:
		return UTF32LE, true
	case be*10 >= units*8:
		return UTF32BE, true
	}
	return Binary, false
}
