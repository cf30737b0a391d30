package decode

import (
	"io"

	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/transform"
)

// NewUTF32Reader returns a reader of UTF-8 text decoded from r, which holds
// UTF-32 in the given byte order (without its byte-order mark). Invalid
// code points and a trailing partial unit become U+FFFD.
func NewUTF32Reader(r io.Reader, bigEndian bool) io.Reader {
	order := utf32.LittleEndian
	if bigEndian {
		order = utf32.BigEndian
	}
	return transform.NewReader(r, utf32.UTF32(order, utf32.IgnoreBOM).NewDecoder())
}
