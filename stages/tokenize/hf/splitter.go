package hf

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// behavior is what a splitting pre-tokenizer does with the delimiters it finds.
type behavior string

// Delimiter behaviors.
const (
	removed            behavior = "Removed"
	isolated           behavior = "Isolated"
	mergedWithPrevious behavior = "MergedWithPrevious"
	mergedWithNext     behavior = "MergedWithNext"
	contiguous         behavior = "Contiguous"
)

func parseBehavior(s string, def behavior) (behavior, error) {
	if s == "" {
		return def, nil
	}
	switch b := behavior(s); b {
	case removed, isolated, mergedWithPrevious, mergedWithNext, contiguous:
		return b, nil
	}
	return "", fmt.Errorf("unknown split behavior %q", s)
}

// piece is a span of a string and whether it matched the delimiter.
type piece struct {
	start, end int
	match      bool
}

// splitPieces cuts s into delimiters (given as spans, in order, not
// overlapping) and the text between them, then applies b as the reference
// library does.
func splitPieces(s string, matches [][2]int, b behavior, invert bool, emit func(string)) {
	var ps []piece
	prev := 0
	for _, m := range matches {
		if prev != m[0] {
			ps = append(ps, piece{prev, m[0], invert})
		}
		ps = append(ps, piece{m[0], m[1], !invert})
		prev = m[1]
	}
	if prev != len(s) {
		ps = append(ps, piece{prev, len(s), invert})
	}
	var out []piece
	switch b {
	case removed:
		for _, p := range ps {
			if !p.match {
				out = append(out, p)
			}
		}
	case isolated:
		out = ps
	case mergedWithPrevious:
		prevMatch := false
		for _, p := range ps {
			if p.match && !prevMatch && len(out) > 0 {
				out[len(out)-1].end = p.end
			} else {
				out = append(out, p)
			}
			prevMatch = p.match
		}
	case mergedWithNext:
		prevMatch := false
		for i := len(ps) - 1; i >= 0; i-- {
			p := ps[i]
			if p.match && !prevMatch && len(out) > 0 {
				out[len(out)-1].start = p.start
			} else {
				out = append(out, p)
			}
			prevMatch = p.match
		}
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	case contiguous:
		prevMatch := false
		for _, p := range ps {
			if p.match == prevMatch && len(out) > 0 {
				out[len(out)-1].end = p.end
			} else {
				out = append(out, p)
			}
			prevMatch = p.match
		}
	}
	for _, p := range out {
		if p.end > p.start {
			emit(s[p.start:p.end])
		}
	}
}

// stringMatches returns the spans of the non-overlapping occurrences of pat.
func stringMatches(s, pat string) [][2]int {
	var out [][2]int
	if pat == "" {
		return nil
	}
	for i := 0; ; {
		j := strings.Index(s[i:], pat)
		if j < 0 {
			return out
		}
		out = append(out, [2]int{i + j, i + j + len(pat)})
		i += j + len(pat)
	}
}

// runeMatches returns the span of each character for which is holds.
func runeMatches(s string, is func(rune) bool) [][2]int {
	var out [][2]int
	for i, r := range s {
		if is(r) {
			out = append(out, [2]int{i, i + utf8.RuneLen(r)})
		}
	}
	return out
}

// splitPre is Split with a string pattern.
type splitPre struct {
	pattern  string
	behavior behavior
	invert   bool
}

func (p splitPre) split(s string, _ bool, emit func(string)) {
	splitPieces(s, stringMatches(s, p.pattern), p.behavior, p.invert, emit)
}

// punctuationPre is Punctuation: each punctuation character is a delimiter.
type punctuationPre struct{ behavior behavior }

func (p punctuationPre) split(s string, _ bool, emit func(string)) {
	splitPieces(s, runeMatches(s, isBertPunct), p.behavior, false, emit)
}

// charDelimiterPre is CharDelimiterSplit: the delimiter is removed.
type charDelimiterPre struct{ delimiter rune }

func (p charDelimiterPre) split(s string, _ bool, emit func(string)) {
	splitPieces(s, runeMatches(s, func(r rune) bool { return r == p.delimiter }), removed, false, emit)
}

// metaspacePre is Metaspace: spaces become the replacement character, which
// is also prepended (always, or only at the start of the text), and words
// start at each replacement character.
type metaspacePre struct {
	replacement rune
	prepend     string // "always", "first" or "never"
	splitWords  bool
}

func (p metaspacePre) split(s string, first bool, emit func(string)) {
	if s == "" {
		return // nothing to prepend to
	}
	rep := string(p.replacement)
	s = strings.ReplaceAll(s, " ", rep)
	if (p.prepend == "always" || (p.prepend == "first" && first)) && !strings.HasPrefix(s, rep) {
		s = rep + s
	}
	if !p.splitWords {
		if s != "" {
			emit(s)
		}
		return
	}
	splitPieces(s, runeMatches(s, func(r rune) bool { return r == p.replacement }), mergedWithNext, false, emit)
}
