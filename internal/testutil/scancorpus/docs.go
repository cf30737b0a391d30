package scancorpus

import (
	"strings"
	"unicode/utf16"
)

// textDoc is a text file being assembled with the labels of its secrets.
type textDoc struct {
	name   string
	lines  []string
	labels []Label
}

// add appends a few filler lines and then the item, labelling its secrets.
func (d *textDoc) add(f *Fake, it Item) {
	for n := f.Intn(4); n > 0; n-- {
		d.lines = append(d.lines, f.Filler())
	}
	base := len(d.lines)
	d.lines = append(d.lines, strings.Split(it.Text, "\n")...)
	for _, p := range it.Secrets {
		d.labels = append(d.labels, Label{Line: int64(base + p.Line + 1), Kind: p.Kind, SHA256: Sum(p.Value)})
	}
}

// addDecoy appends a decoy.
func (d *textDoc) addDecoy(f *Fake, dc Decoy) {
	d.lines = append(d.lines, f.Filler())
	d.lines = append(d.lines, strings.Split(dc.Text, "\n")...)
}

// encoding is how a text file's bytes are written.
type encoding int

const (
	lf encoding = iota
	crlf
	utf16le
	utf16be
)

// bytes renders the document.
func (d *textDoc) bytes(enc encoding) []byte {
	sep := "\n"
	if enc != lf {
		sep = "\r\n"
	}
	text := strings.Join(d.lines, sep) + sep
	switch enc {
	case utf16le, utf16be:
		units := utf16.Encode([]rune(text))
		out := make([]byte, 0, 2+2*len(units))
		if enc == utf16le {
			out = append(out, 0xFF, 0xFE)
		} else {
			out = append(out, 0xFE, 0xFF)
		}
		for _, u := range units {
			if enc == utf16le {
				out = append(out, byte(u), byte(u>>8))
			} else {
				out = append(out, byte(u>>8), byte(u))
			}
		}
		return out
	}
	return []byte(text)
}

// withPath returns the document's labels under path.
func (d *textDoc) withPath(path string) []Label {
	out := make([]Label, len(d.labels))
	for i, l := range d.labels {
		l.Path = path
		out[i] = l
	}
	return out
}
