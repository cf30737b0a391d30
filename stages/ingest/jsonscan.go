package ingest

import (
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonKind is the kind of a JSON value.
type jsonKind uint8

// JSON value kinds.
const (
	jNull jsonKind = iota
	jBool
	jNumber
	jString
	jObject
	jArray
)

// jsonValue is one value of a top-level JSON object.
type jsonValue struct {
	kind  jsonKind
	raw   []byte // the value's JSON text
	str   []byte // jString: the unescaped string
	isInt bool   // jNumber: no fraction or exponent
	b     bool   // jBool
}

// maxJSONDepth bounds the nesting of arrays and objects inside a record.
const maxJSONDepth = 512

// jsonScanner parses one JSON object per line, strictly (RFC 8259), without
// building maps: each member is handed to a callback. It is not safe for
// concurrent use.
type jsonScanner struct {
	buf   []byte
	pos   int
	arena []byte // unescaped strings of the current line
}

// special marks the bytes that end the fast path of a string scan.
var special = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// object parses line as one JSON object and calls fn for each member in
// order. key and the value's slices are valid until the next call.
func (s *jsonScanner) object(line []byte, fn func(key []byte, v *jsonValue) error) error {
	s.buf, s.pos = line, 0
	// Unescaped strings are never longer than their source in the line;
	// str's word-at-a-time copy may write one word past a string's end.
	if cap(s.arena) < len(line)+8 {
		s.arena = make([]byte, 0, len(line)+len(line)/4+8)
	}
	s.arena = s.arena[:0]
	s.ws()
	if !s.eat('{') {
		return s.errorf("a record must be a JSON object")
	}
	s.ws()
	if s.eat('}') {
		return s.end()
	}
	var v jsonValue
	for {
		s.ws()
		if s.peek() != '"' {
			return s.errorf("expected a member name in double quotes")
		}
		key, err := s.str(true)
		if err != nil {
			return err
		}
		s.ws()
		if !s.eat(':') {
			return s.errorf("expected ':' after member name")
		}
		s.ws()
		if err := s.value(&v); err != nil {
			return err
		}
		if err := fn(key, &v); err != nil {
			return err
		}
		s.ws()
		if s.eat(',') {
			continue
		}
		if s.eat('}') {
			return s.end()
		}
		return s.errorf("expected ',' or '}'")
	}
}

// end checks that nothing but whitespace follows the object.
func (s *jsonScanner) end() error {
	s.ws()
	if s.pos != len(s.buf) {
		return s.errorf("unexpected text after the object")
	}
	return nil
}

// value parses one value at the current position.
func (s *jsonScanner) value(v *jsonValue) error {
	start := s.pos
	*v = jsonValue{}
	switch c := s.peek(); {
	case c == '"':
		str, err := s.str(true)
		if err != nil {
			return err
		}
		v.kind, v.str = jString, str
	case c == '{' || c == '[':
		if err := s.skip(0); err != nil {
			return err
		}
		v.kind = jObject
		if c == '[' {
			v.kind = jArray
		}
	case c == '-' || (c >= '0' && c <= '9'):
		isInt, err := s.number()
		if err != nil {
			return err
		}
		v.kind, v.isInt = jNumber, isInt
	case c == 't':
		if err := s.literal("true"); err != nil {
			return err
		}
		v.kind, v.b = jBool, true
	case c == 'f':
		if err := s.literal("false"); err != nil {
			return err
		}
		v.kind = jBool
	case c == 'n':
		if err := s.literal("null"); err != nil {
			return err
		}
		v.kind = jNull
	default:
		return s.errorf("expected a value")
	}
	v.raw = s.buf[start:s.pos]
	return nil
}

// skip validates a nested value without keeping anything.
func (s *jsonScanner) skip(depth int) error {
	if depth > maxJSONDepth {
		return s.errorf("nested deeper than %d levels", maxJSONDepth)
	}
	switch s.peek() {
	case '"':
		_, err := s.str(false)
		return err
	case '{':
		s.pos++
		s.ws()
		if s.eat('}') {
			return nil
		}
		for {
			s.ws()
			if s.peek() != '"' {
				return s.errorf("expected a member name in double quotes")
			}
			if _, err := s.str(false); err != nil {
				return err
			}
			s.ws()
			if !s.eat(':') {
				return s.errorf("expected ':' after member name")
			}
			s.ws()
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			s.ws()
			if s.eat(',') {
				continue
			}
			if s.eat('}') {
				return nil
			}
			return s.errorf("expected ',' or '}'")
		}
	case '[':
		s.pos++
		s.ws()
		if s.eat(']') {
			return nil
		}
		for {
			s.ws()
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			s.ws()
			if s.eat(',') {
				continue
			}
			if s.eat(']') {
				return nil
			}
			return s.errorf("expected ',' or ']'")
		}
	}
	switch c := s.peek(); {
	case c == '-' || (c >= '0' && c <= '9'):
		_, err := s.number()
		return err
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return s.errorf("expected a value")
}

// str parses a string starting at the opening quote. With keep it returns
// the unescaped bytes (aliasing the line when there is no escape).
func (s *jsonScanner) str(keep bool) ([]byte, error) {
	s.pos++ // opening quote
	start := s.pos
	b := s.buf
	i := plainRun(b, start)
	if i < len(b) && b[i] == '"' {
		s.pos = i + 1
		return b[start:i], nil
	}
	// Slow path: escapes (or an error). The unescaped string goes to the
	// arena, which object sized to hold the rest of the line and a word more:
	// plain runs are copied a word at a time while they are scanned.
	dst := s.arena[len(s.arena):cap(s.arena)]
	o := copy(dst, b[start:i])
	for {
		i, o = copyPlain(dst, o, b, i)
		if i >= len(b) {
			s.pos = i
			return nil, s.errorf("unterminated string")
		}
		c := b[i]
		if c == '"' {
			s.pos = i + 1
			if !keep {
				return nil, nil
			}
			s.arena = s.arena[:len(s.arena)+o]
			return dst[:o:o], nil
		}
		if c < 0x20 {
			s.pos = i
			return nil, s.errorf("control character %#02x in a string", c)
		}
		if i+1 >= len(b) {
			s.pos = i
			return nil, s.errorf("unterminated string")
		}
		// copyPlain decoded the one-byte escapes: this is \u or a bad one.
		if e := b[i+1]; e != 'u' {
			s.pos = i
			return nil, s.errorf("bad escape \\%c", e)
		}
		i += 2
		cp, ok := hex4(b, i)
		if !ok {
			s.pos = i
			return nil, s.errorf(`bad \u escape`)
		}
		i += 4
		rn := rune(cp)
		if utf16.IsSurrogate(rn) {
			rn = utf8.RuneError
			if lo, ok := hex4(b, i+2); ok && b[i] == '\\' && b[i+1] == 'u' {
				if d := utf16.DecodeRune(rune(cp), rune(lo)); d != utf8.RuneError {
					rn = d
					i += 6
				}
			}
		}
		// The escape is six bytes (twelve for a pair) of the line and its
		// UTF-8 at most four, so dst has room.
		o += utf8.EncodeRune(dst[o:], rn)
	}
}

// hex4 reads four hex digits at b[i:].
func hex4(b []byte, i int) (uint16, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var v uint16
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		v = v<<4 | uint16(c)
	}
	return v, true
}

// number parses a number and reports whether it has no fraction or exponent.
func (s *jsonScanner) number() (bool, error) {
	b, i := s.buf, s.pos
	isInt := true
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		s.pos = i
		return false, s.errorf("bad number")
	}
	if i < len(b) && b[i] == '.' {
		isInt = false
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			s.pos = i
			return false, s.errorf("bad number: no digits after '.'")
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		isInt = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			s.pos = i
			return false, s.errorf("bad number: no digits in the exponent")
		}
	}
	s.pos = i
	return isInt, nil
}

// literal consumes word (true, false, null).
func (s *jsonScanner) literal(word string) error {
	if len(s.buf)-s.pos < len(word) || string(s.buf[s.pos:s.pos+len(word)]) != word {
		return s.errorf("expected a value")
	}
	s.pos += len(word)
	return nil
}

// ws skips JSON whitespace.
func (s *jsonScanner) ws() {
	for s.pos < len(s.buf) {
		switch s.buf[s.pos] {
		case ' ', '\t', '\r', '\n':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the current byte, or 0 at the end.
func (s *jsonScanner) peek() byte {
	if s.pos < len(s.buf) {
		return s.buf[s.pos]
	}
	return 0
}

// eat consumes c if it is the current byte.
func (s *jsonScanner) eat(c byte) bool {
	if s.pos < len(s.buf) && s.buf[s.pos] == c {
		s.pos++
		return true
	}
	return false
}

// errJSON marks a malformed record.
var errJSON = errors.New("invalid JSON")

// errorf reports a syntax error at the current column (1-based, in bytes).
func (s *jsonScanner) errorf(format string, args ...any) error {
	if s.pos >= len(s.buf) {
		return fmt.Errorf("%w at end of line: %s", errJSON, fmt.Sprintf(format, args...))
	}
	return fmt.Errorf("%w at column %d: %s", errJSON, s.pos+1, fmt.Sprintf(format, args...))
}
