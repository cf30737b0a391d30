package hf

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// normalizer rewrites a segment of text before it is pre-tokenized.
type normalizer interface {
	normalize(s string) string
}

// bertNorm is BertNormalizer.
type bertNorm struct {
	cleanText, chineseChars, stripAccents, lowercase bool
}

// isOther is Unicode category C (Cc, Cf, Cs, Co, Cn).
func isOther(r rune) bool {
	if r < 0x80 {
		return r < 0x20 || r == 0x7F
	}
	// Go's tables have no Cn: a character in no category is unassigned.
	return unicode.In(r, unicode.C) || !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z)
}

// isChinese reports the CJK ideograph blocks BERT pads with spaces.
func isChinese(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF) ||
		(r >= 0x20000 && r <= 0x2A6DF) || (r >= 0x2A700 && r <= 0x2B73F) ||
		(r >= 0x2B740 && r <= 0x2B81F) || (r >= 0x2B920 && r <= 0x2CEAF) ||
		(r >= 0xF900 && r <= 0xFAFF) || (r >= 0x2F800 && r <= 0x2FA1F)
}

func (n bertNorm) normalize(s string) string {
	if n.cleanText {
		s = strings.Map(func(r rune) rune {
			switch {
			case r == '\t' || r == '\n' || r == '\r':
				return ' '
			case r == 0 || r == 0xFFFD || isOther(r):
				return -1
			case unicode.Is(unicode.White_Space, r):
				return ' '
			}
			return r
		}, s)
	}
	if n.chineseChars {
		var b strings.Builder
		for _, r := range s {
			if isChinese(r) {
				b.WriteByte(' ')
				b.WriteRune(r)
				b.WriteByte(' ')
			} else {
				b.WriteRune(r)
			}
		}
		s = b.String()
	}
	if n.stripAccents {
		s = stripAccents(norm.NFD.String(s))
	}
	if n.lowercase {
		s = lowercase(s)
	}
	return s
}

// stripMarks drops every mark, spacing and enclosing ones too (StripAccents).
func stripMarks(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.M, r) {
			return -1
		}
		return r
	}, s)
}

// stripAccents drops non-spacing marks (BertNormalizer's strip_accents).
func stripAccents(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, s)
}

// lowercase maps each character to its full lower case, one character at a
// time (so without the final-sigma rule).
func lowercase(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r == 0x130 { // İ lowers to i + combining dot above
			b.WriteString("i\u0307")
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

type funcNorm func(string) string

func (f funcNorm) normalize(s string) string { return f(s) }

// stripNorm is Strip: trims white space on either side.
type stripNorm struct{ left, right bool }

func (n stripNorm) normalize(s string) string {
	isWS := func(r rune) bool { return unicode.Is(unicode.White_Space, r) }
	if n.left {
		s = strings.TrimLeftFunc(s, isWS)
	}
	if n.right {
		s = strings.TrimRightFunc(s, isWS)
	}
	return s
}

// sequenceNorm applies normalizers one after the other.
type sequenceNorm []normalizer

func (q sequenceNorm) normalize(s string) string {
	for _, n := range q {
		s = n.normalize(s)
	}
	return s
}

// replaceNorm is Replace with a string pattern.
type replaceNorm struct{ pattern, content string }

func (n replaceNorm) normalize(s string) string { return strings.ReplaceAll(s, n.pattern, n.content) }

// prependNorm is Prepend: a prefix for any non-empty text.
type prependNorm struct{ prefix string }

func (n prependNorm) normalize(s string) string {
	if s == "" {
		return s
	}
	return n.prefix + s
}
