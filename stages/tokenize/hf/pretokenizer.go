package hf

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// preTokenizer splits a normalized segment of text into words, which the
// model tokenizes one by one. first tells whether the segment starts the
// text (it does not follow an added token).
type preTokenizer interface {
	split(s string, first bool, emit func(string))
}

// byteLevelPre is the ByteLevel pre-tokenizer: an optional leading space,
// then the GPT-2 split. The words it emits are raw bytes; the model maps
// them to the byte-level alphabet itself.
type byteLevelPre struct {
	addPrefixSpace bool
	useRegex       bool
}

func (p byteLevelPre) split(s string, first bool, emit func(string)) {
	// The space is prepended to non-empty text only.
	if p.addPrefixSpace && s != "" && !strings.HasPrefix(s, " ") {
		s = " " + s
	}
	if p.useRegex {
		splitGPT2(s, emit)
	} else if s != "" {
		emit(s)
	}
}

// whitespaceSplit splits on white space and drops it (WhitespaceSplit).
type whitespaceSplit struct{}

func (whitespaceSplit) split(s string, first bool, emit func(string)) {
	start := -1
	for i, r := range s {
		if unicode.Is(unicode.White_Space, r) {
			if start >= 0 {
				emit(s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		emit(s[start:])
	}
}

// isWordChar is `\w` of the reference regular expression engine.
func isWordChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.Is(unicode.Nd, r) ||
		unicode.Is(unicode.Pc, r) || r == 0x200C || r == 0x200D
}

// whitespacePre splits into runs of word characters and runs of other
// non-space characters, `\w+|[^\w\s]+` (Whitespace).
type whitespacePre struct{}

func (whitespacePre) split(s string, first bool, emit func(string)) {
	const none, word, other = 0, 1, 2
	start, kind := 0, none
	for i, r := range s {
		k := other
		switch {
		case unicode.Is(unicode.White_Space, r):
			k = none
		case isWordChar(r):
			k = word
		}
		if k != kind {
			if kind != none {
				emit(s[start:i])
			}
			start, kind = i, k
		}
	}
	if kind != none {
		emit(s[start:])
	}
}

// isBertPunct is BERT's punctuation: ASCII punctuation and Unicode P*.
func isBertPunct(r rune) bool {
	if r < utf8.RuneSelf {
		return r > ' ' && r < 0x7F && !(r >= '0' && r <= '9') && !(r >= 'a' && r <= 'z') && !(r >= 'A' && r <= 'Z')
	}
	return unicode.IsPunct(r)
}

// bertPre splits on white space (dropped) and isolates each punctuation
// character (BertPreTokenizer).
type bertPre struct{}

func (bertPre) split(s string, first bool, emit func(string)) {
	start := -1
	for i, r := range s {
		switch {
		case unicode.Is(unicode.White_Space, r):
			if start >= 0 {
				emit(s[start:i])
				start = -1
			}
		case isBertPunct(r):
			if start >= 0 {
				emit(s[start:i])
				start = -1
			}
			emit(s[i : i+utf8.RuneLen(r)])
		default:
			if start < 0 {
				start = i
			}
		}
	}
	if start >= 0 {
		emit(s[start:])
	}
}

// digitsPre isolates runs of digits, or each digit (Digits).
type digitsPre struct{ individual bool }

func (p digitsPre) split(s string, first bool, emit func(string)) {
	start, inDigits := 0, false
	for i, r := range s {
		d := unicode.IsNumber(r) // Rust's char::is_numeric: Nd, Nl and No
		if i > start && (d != inDigits || (d && p.individual)) {
			emit(s[start:i])
			start = i
		}
		inDigits = d
	}
	if start < len(s) {
		emit(s[start:])
	}
}

// sequencePre applies pre-tokenizers one after the other.
type sequencePre []preTokenizer

func (q sequencePre) split(s string, first bool, emit func(string)) {
	if len(q) == 0 {
		emit(s)
		return
	}
	n := 0
	q[0].split(s, first, func(w string) {
		q[1:].split(w, first && n == 0, emit)
		n++
	})
}
