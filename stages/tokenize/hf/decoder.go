package hf

import (
	"strings"
	"unicode/utf8"
)

// decoder turns a list of tokens back into text pieces.
type decoder interface {
	decodeChain(tokens []string) []string
}

// byteLevelDec maps byte-level characters back to bytes and reads them as
// UTF-8, each maximal invalid sequence becoming U+FFFD.
type byteLevelDec struct{}

func (byteLevelDec) decodeChain(tokens []string) []string {
	var raw []byte
	for _, t := range tokens {
		if b, ok := fromByteLevel(t); ok {
			raw = append(raw, b...)
		} else {
			raw = append(raw, t...)
		}
	}
	return []string{lossyUTF8(raw)}
}

// lossyUTF8 decodes b as UTF-8, replacing each maximal prefix of a valid
// sequence that cannot be completed (or each stray byte) with U+FFFD.
func lossyUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var out strings.Builder
	for i := 0; i < len(b); {
		r, w := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || w > 1 {
			out.Write(b[i : i+w])
			i += w
			continue
		}
		out.WriteRune(utf8.RuneError)
		i += invalidRun(b[i:])
	}
	return out.String()
}

// invalidRun returns how many bytes at the start of b form one invalid
// sequence: a lead byte with the valid continuation bytes that follow it.
func invalidRun(b []byte) int {
	c := b[0]
	var need int
	lo, hi := byte(0x80), byte(0xBF)
	switch {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
		need = 2
	case c == 0xED:
		need, hi = 2, 0x9F
	case c == 0xF0:
		need, lo = 3, 0x90
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	case c == 0xF4:
		need, hi = 3, 0x8F
	default:
		return 1
	}
	n := 1
	for ; n <= need && n < len(b); n++ {
		if b[n] < lo || b[n] > hi {
			break
		}
		lo, hi = 0x80, 0xBF
	}
	return n
}

// wordPieceDec joins WordPiece tokens: the continuing prefix is removed,
// other tokens get a leading space, and spaces before punctuation and
// English contractions are cleaned up.
type wordPieceDec struct {
	prefix  string
	cleanup bool
}

func (d wordPieceDec) decodeChain(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		if i > 0 {
			if strings.HasPrefix(t, d.prefix) {
				t = strings.Replace(t, d.prefix, "", 1)
			} else {
				t = " " + t
			}
		}
		if d.cleanup {
			t = cleanup(t)
		}
		out[i] = t
	}
	return out
}

var cleanupPairs = [...][2]string{
	{" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"}, {" n't", "n't"},
	{" 'm", "'m"}, {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"},
}

// cleanup applies the replacements one after the other, as the reference does.
func cleanup(s string) string {
	if strings.IndexByte(s, ' ') < 0 {
		return s // every pattern starts with a space
	}
	for _, p := range cleanupPairs {
		s = strings.ReplaceAll(s, p[0], p[1])
	}
	return s
}

// bpeDec replaces the end-of-word suffix with a space (BPEDecoder).
type bpeDec struct{ suffix string }

func (d bpeDec) decodeChain(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		r := " "
		if i == len(tokens)-1 {
			r = ""
		}
		out[i] = strings.ReplaceAll(t, d.suffix, r)
	}
	return out
}

// fuseDec joins all tokens into one.
type fuseDec struct{}

func (fuseDec) decodeChain(tokens []string) []string { return []string{strings.Join(tokens, "")} }

// sequenceDec applies decoders one after the other.
type sequenceDec []decoder

func (q sequenceDec) decodeChain(tokens []string) []string {
	for _, d := range q {
		tokens = d.decodeChain(tokens)
	}
	return tokens
}

// replaceDec is Replace with a string pattern, on each token.
type replaceDec struct{ pattern, content string }

func (d replaceDec) decodeChain(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = strings.ReplaceAll(t, d.pattern, d.content)
	}
	return out
}

// byteFallbackDec turns runs of <0xXX> tokens back into text; a run that is
// not valid UTF-8 becomes one U+FFFD per byte.
type byteFallbackDec struct{}

func byteToken(t string) (byte, bool) {
	if len(t) != 6 || !strings.HasPrefix(t, "<0x") || t[5] != '>' {
		return 0, false
	}
	var b byte
	for _, c := range []byte(t[3:5]) {
		switch {
		case c >= '0' && c <= '9':
			b = b<<4 | (c - '0')
		case c >= 'A' && c <= 'F':
			b = b<<4 | (c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return b, true
}

func (byteFallbackDec) decodeChain(tokens []string) []string {
	var out []string
	var run []byte
	flush := func() {
		if len(run) == 0 {
			return
		}
		if utf8.Valid(run) {
			out = append(out, string(run))
		} else {
			for range run {
				out = append(out, "\uFFFD")
			}
		}
		run = run[:0]
	}
	for _, t := range tokens {
		if b, ok := byteToken(t); ok {
			run = append(run, b)
			continue
		}
		flush()
		out = append(out, t)
	}
	flush()
	return out
}

// stripDec is Strip: removes up to start leading and stop trailing
// occurrences of a character from each token.
type stripDec struct {
	content     rune
	start, stop int
}

func (d stripDec) decodeChain(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		rs := []rune(t)
		lo, hi := 0, len(rs)
		for k := 0; k < d.start && k < len(rs) && rs[k] == d.content; k++ {
			lo = k + 1
		}
		for k := 0; k < d.stop && len(rs)-k-1 >= 0 && rs[len(rs)-k-1] == d.content; k++ {
			hi = len(rs) - k - 1
		}
		if lo > hi {
			lo = hi
		}
		out[i] = string(rs[lo:hi])
	}
	return out
}

// metaspaceDec turns the replacement character back into spaces; in the
// first token it is dropped unless nothing was prepended.
type metaspaceDec struct {
	replacement rune
	prepend     string
}

func (d metaspaceDec) decodeChain(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		var b strings.Builder
		for _, r := range t {
			switch {
			case r != d.replacement:
				b.WriteRune(r)
			case i == 0 && d.prepend != "never":
			default:
				b.WriteByte(' ')
			}
		}
		out[i] = b.String()
	}
	return out
}
