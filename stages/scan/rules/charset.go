package rules

// charset is a set of bytes.
type charset [256]bool

// newCharset returns the set of the given bytes, where "a-z" spans a range.
func newCharset(spec string) *charset {
	var cs charset
	for i := 0; i < len(spec); i++ {
		if i+2 < len(spec) && spec[i+1] == '-' {
			for b := int(spec[i]); b <= int(spec[i+2]); b++ {
				cs[b] = true
			}
			i += 2
			continue
		}
		cs[spec[i]] = true
	}
	return &cs
}

// has reports whether b is in the set.
func (cs *charset) has(b byte) bool { return cs[b] }

var (
	alnum     = newCharset("A-Za-z0-9")
	tokenSet  = newCharset("A-Za-z0-9_-")
	base64Set = newCharset("A-Za-z0-9+/=")
	b64Body   = newCharset("A-Za-z0-9+/")
	hexSet    = newCharset("0-9a-fA-F")
)
