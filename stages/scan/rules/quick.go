package rules

// quickAssign accepts a keyword that is followed, within its name, by an
// assignment operator: the rest of an identifier, closing quotes, blanks,
// then '=' or ':'. Most mentions of "token" or "password" in code fail it.
func quickAssign(buf []byte, _, end int) bool {
	i := end
	for n := 0; i < len(buf) && n < 24 && (alnum.has(buf[i]) || buf[i] == '_' || buf[i] == '-' || buf[i] == '.'); n++ {
		i++
	}
	q := 0
	for ; i < len(buf) && q < 3 && (buf[i] == '"' || buf[i] == '\'' || buf[i] == '`' || buf[i] == '\\'); q++ {
		i++
	}
	for i < len(buf) && (buf[i] == ' ' || buf[i] == '\t') {
		i++
	}
	// A quoted name may be followed by a comma and its value: f("NAME", "value").
	return i < len(buf) && (buf[i] == '=' || buf[i] == ':' || buf[i] == ',' && q > 0)
}

// quickElement accepts a keyword that ends, within its name, an XML start
// tag: the rest of an identifier, then '>'.
func quickElement(buf []byte, _, end int) bool {
	i := end
	for n := 0; i < len(buf) && n < 24 && (alnum.has(buf[i]) || buf[i] == '_' || buf[i] == '-' || buf[i] == '.'); n++ {
		i++
	}
	return i < len(buf) && buf[i] == '>'
}

// quickURL accepts "://" followed, before the end of the authority, by a
// colon and then an at sign (user:password@).
func quickURL(buf []byte, _, end int) bool {
	colon := false
	for i := end; i < len(buf) && i < end+400; i++ {
		switch buf[i] {
		case ':':
			colon = true
		case '@':
			return colon
		case '/', ' ', '\t', '\n', '\r', '"', '\'', '`', '<', '>':
			return false
		case '\\':
			if i+1 < len(buf) && buf[i+1] == '/' {
				return false
			}
		}
	}
	return false
}

// quickHex returns a test that accepts a keyword followed by n hex digits.
func quickHex(n int) func(buf []byte, start, end int) bool {
	return func(buf []byte, _, end int) bool {
		if end+n > len(buf) {
			return false
		}
		for _, b := range buf[end : end+n] {
			if !hexSet.has(b) {
				return false
			}
		}
		return true
	}
}

// quickSet returns a test that accepts a keyword followed by n bytes of cs.
func quickSet(cs *charset, n int) func(buf []byte, start, end int) bool {
	return func(buf []byte, _, end int) bool {
		if end+n > len(buf) {
			return false
		}
		for _, b := range buf[end : end+n] {
			if !cs.has(b) {
				return false
			}
		}
		return true
	}
}

// quickAttribute accepts a keyword that ends, within its name, a quoted
// attribute value followed by a value attribute: key="Password" value=.
func quickAttribute(buf []byte, _, end int) bool {
	i := end
	for n := 0; i < len(buf) && n < 24 && (alnum.has(buf[i]) || buf[i] == '_' || buf[i] == '-' || buf[i] == '.'); n++ {
		i++
	}
	if i >= len(buf) || buf[i] != '"' {
		return false
	}
	i++
	for i < len(buf) && (buf[i] == ' ' || buf[i] == '\t') {
		i++
	}
	return i+5 <= len(buf) && string(buf[i:i+5]) == "value"
}
