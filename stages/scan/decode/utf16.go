package decode

import (
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// utf16Reader converts a UTF-16 stream to UTF-8. Unpaired surrogates and a
// trailing odd byte become U+FFFD, as unicode/utf16 decodes them.
type utf16Reader struct {
	src     io.Reader
	big     bool
	in      []byte // undecoded input; in[:nin] is valid
	nin     int
	out     []byte // decoded output not yet returned
	high    rune   // a high surrogate waiting for its pair, or 0
	srcDone bool
	err     error
}

// NewUTF16Reader returns a reader of UTF-8 text decoded from r, which holds
// UTF-16 in the given byte order (without its byte-order mark).
func NewUTF16Reader(r io.Reader, bigEndian bool) io.Reader {
	return &utf16Reader{src: r, big: bigEndian, in: make([]byte, 32<<10)}
}

// Read implements io.Reader.
func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.srcDone {
			if u.err != nil {
				return 0, u.err
			}
			return 0, io.EOF
		}
		u.fill()
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

// fill reads more input and decodes every complete code unit in it.
func (u *utf16Reader) fill() {
	n, err := u.src.Read(u.in[u.nin:])
	u.nin += n
	if err != nil {
		u.srcDone = true
		if err != io.EOF {
			u.err = err
		}
	}
	out := u.out[:0]
	i := 0
	for ; i+1 < u.nin; i += 2 {
		var c rune
		if u.big {
			c = rune(u.in[i])<<8 | rune(u.in[i+1])
		} else {
			c = rune(u.in[i+1])<<8 | rune(u.in[i])
		}
		out = u.emit(out, c)
	}
	rest := copy(u.in, u.in[i:u.nin])
	u.nin = rest
	if u.srcDone {
		if u.high != 0 {
			out = utf8.AppendRune(out, utf8.RuneError)
			u.high = 0
		}
		if u.nin > 0 {
			out = utf8.AppendRune(out, utf8.RuneError)
			u.nin = 0
		}
	}
	u.out = out
}

// emit appends the UTF-8 of code unit c, pairing surrogates.
func (u *utf16Reader) emit(out []byte, c rune) []byte {
	if u.high != 0 {
		h := u.high
		u.high = 0
		if 0xDC00 <= c && c < 0xE000 {
			return utf8.AppendRune(out, utf16.DecodeRune(h, c))
		}
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	switch {
	case 0xD800 <= c && c < 0xDC00:
		u.high = c
		return out
	case 0xDC00 <= c && c < 0xE000:
		return utf8.AppendRune(out, utf8.RuneError)
	}
	return utf8.AppendRune(out, c)
}
