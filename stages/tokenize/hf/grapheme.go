package hf

import (
	"unicode"
	"unicode/utf8"
)

// graphemeClass is a character's Grapheme_Cluster_Break property, as far as
// the rules below need it.
type graphemeClass uint8

const (
	gcOther graphemeClass = iota
	gcCR
	gcLF
	gcControl
	gcExtend
	gcZWJ
	gcSpacingMark
	gcPrepend
	gcRegional
	gcL
	gcV
	gcT
	gcLV
	gcLVT
)

// prependChars are the Prepend characters (prefixed concatenation marks and
// the few Indic consonant preposers).
var prependChars = &unicode.RangeTable{R16: []unicode.Range16{
	{Lo: 0x0600, Hi: 0x0605, Stride: 1}, {Lo: 0x06DD, Hi: 0x06DD, Stride: 1}, {Lo: 0x070F, Hi: 0x070F, Stride: 1},
	{Lo: 0x0890, Hi: 0x0891, Stride: 1}, {Lo: 0x08E2, Hi: 0x08E2, Stride: 1}, {Lo: 0x0D4E, Hi: 0x0D4E, Stride: 1},
}, R32: []unicode.Range32{
	{Lo: 0x110BD, Hi: 0x110BD, Stride: 1}, {Lo: 0x110CD, Hi: 0x110CD, Stride: 1}, {Lo: 0x111C2, Hi: 0x111C3, Stride: 1},
	{Lo: 0x1193F, Hi: 0x1193F, Stride: 1}, {Lo: 0x11941, Hi: 0x11941, Stride: 1}, {Lo: 0x11A3A, Hi: 0x11A3A, Stride: 1},
	{Lo: 0x11A84, Hi: 0x11A89, Stride: 1}, {Lo: 0x11D46, Hi: 0x11D46, Stride: 1}, {Lo: 0x11F02, Hi: 0x11F02, Stride: 1},
}}

// classify returns the grapheme class of r.
func classify(r rune) graphemeClass {
	switch {
	case r == '\r':
		return gcCR
	case r == '\n':
		return gcLF
	case r < 0x20 || (r >= 0x7F && r < 0xA0) || r == 0xAD:
		return gcControl
	case r < 0x300:
		return gcOther
	case r == 0x200D:
		return gcZWJ
	case r == 0x200C || unicode.In(r, unicode.Mn, unicode.Me, unicode.Other_Grapheme_Extend) || (r >= 0x1F3FB && r <= 0x1F3FF):
		return gcExtend
	case r == 0x0E33 || r == 0x0EB3 || unicode.Is(unicode.Mc, r):
		return gcSpacingMark
	case unicode.Is(prependChars, r):
		return gcPrepend
	case r >= 0x1F1E6 && r <= 0x1F1FF:
		return gcRegional
	case (r >= 0x1100 && r <= 0x115F) || (r >= 0xA960 && r <= 0xA97C):
		return gcL
	case (r >= 0x1160 && r <= 0x11A7) || (r >= 0xD7B0 && r <= 0xD7C6):
		return gcV
	case (r >= 0x11A8 && r <= 0x11FF) || (r >= 0xD7CB && r <= 0xD7FB):
		return gcT
	case r >= 0xAC00 && r <= 0xD7A3:
		if (r-0xAC00)%28 == 0 {
			return gcLV
		}
		return gcLVT
	case unicode.In(r, unicode.Zl, unicode.Zp, unicode.Cc) || (unicode.Is(unicode.Cf, r) && r != 0x200C):
		return gcControl
	}
	return gcOther
}

// joins reports that no grapheme boundary falls between a character of class
// a and one of class b, by the extended grapheme cluster rules (Unicode
// Standard Annex 29) other than the emoji ZWJ rule; ri tells how many
// regional indicators end the cluster so far.
func joins(a, b graphemeClass, ri int) bool {
	switch {
	case a == gcCR && b == gcLF:
		return true
	case a == gcCR || a == gcLF || a == gcControl || b == gcCR || b == gcLF || b == gcControl:
		return false
	case a == gcL && (b == gcL || b == gcV || b == gcLV || b == gcLVT):
		return true
	case (a == gcLV || a == gcV) && (b == gcV || b == gcT):
		return true
	case (a == gcLVT || a == gcT) && b == gcT:
		return true
	case b == gcExtend || b == gcZWJ || b == gcSpacingMark:
		return true
	case a == gcPrepend:
		return true
	case a == gcRegional && b == gcRegional:
		return ri%2 == 1
	}
	return false
}

// nextGrapheme returns the length in bytes of the grapheme cluster that
// starts s (non-empty). A malformed byte is a character of its own.
func nextGrapheme(s string) int {
	r, n := utf8.DecodeRuneInString(s)
	prev := classify(r)
	ri := 0
	if prev == gcRegional {
		ri = 1
	}
	for n < len(s) {
		r, w := utf8.DecodeRuneInString(s[n:])
		c := classify(r)
		if !joins(prev, c, ri) {
			break
		}
		if c == gcRegional {
			ri++
		} else {
			ri = 0
		}
		prev = c
		n += w
	}
	return n
}
