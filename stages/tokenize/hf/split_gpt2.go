package hf

import (
	"unicode"
	"unicode/utf8"
)

// Character classes of the GPT-2 pre-tokenization pattern
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// which splitGPT2 implements by hand, without a regular expression engine.
const (
	classOther = iota
	classLetter
	classNumber
	classSpace
)

var asciiClass [128]uint8

func init() {
	for c := range 128 {
		switch r := rune(c); {
		case unicode.IsLetter(r):
			asciiClass[c] = classLetter
		case unicode.IsNumber(r):
			asciiClass[c] = classNumber
		case isSpace(r):
			asciiClass[c] = classSpace
		}
	}
}

// isSpace is `\s` of the reference regular expression engines: the Unicode
// White_Space property.
func isSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// classAt returns the class of the character starting at s[i] and its width.
func classAt(s string, i int) (uint8, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return asciiClass[c], 1
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	switch {
	case unicode.IsLetter(r):
		return classLetter, w
	case unicode.IsNumber(r):
		return classNumber, w
	case isSpace(r):
		return classSpace, w
	}
	return classOther, w
}

// contraction returns the length of an English contraction suffix ('s, 't,
// 're, 've, 'm, 'll, 'd) at the start of s, or 0.
func contraction(s string) int {
	if len(s) < 2 || s[0] != '\'' {
		return 0
	}
	switch s[1] {
	case 's', 't', 'm', 'd':
		return 2
	}
	if len(s) >= 3 {
		switch s[1:3] {
		case "re", "ve", "ll":
			return 3
		}
	}
	return 0
}

// splitGPT2 calls emit with each piece of s as the GPT-2 pattern splits it.
func splitGPT2(s string, emit func(string)) {
	for i := 0; i < len(s); {
		if n := contraction(s[i:]); n > 0 {
			emit(s[i : i+n])
			i += n
			continue
		}
		c, w := classAt(s, i)
		start := i
		// ` ?X+` for X = letters, numbers, or neither-space-letter-nor-number.
		if s[i] == ' ' && i+1 < len(s) {
			if c2, _ := classAt(s, i+1); c2 != classSpace {
				c, w = c2, 1
				i += w
				_, w = classAt(s, i)
			}
		}
		if c != classSpace {
			i += w
			for i < len(s) {
				c2, w2 := classAt(s, i)
				if c2 != c {
					break
				}
				i += w2
			}
			emit(s[start:i])
			continue
		}
		// A run of white space: all of it at the end of s, else all but its
		// last character (`\s+(?!\S)`), or that single character (`\s+`).
		end := i + w
		last := i
		for end < len(s) {
			c2, w2 := classAt(s, end)
			if c2 != classSpace {
				break
			}
			last = end
			end += w2
		}
		if end < len(s) && last > start {
			end = last
		}
		emit(s[start:end])
		i = end
	}
}
