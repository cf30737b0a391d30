package hf

import (
	"fmt"

	"github.com/dlclark/regexp2/v2"
)

// regex is a Regex pattern of a Split or Replace component, run by a
// backtracking engine (the reference library's patterns use lookahead),
// bounded in time and stack by regexMatchTimeout and regexBacktrackSlots.
type regex struct {
	re    *regexp2.Regexp
	where string   // the component, for errors
	fail  *failure // where a search that gives up is recorded
}

// compileRegex compiles pattern for the component where.
func compileRegex(pattern, where string, fail *failure) (*regex, error) {
	if len(pattern) > maxPatternBytes {
		return nil, fmt.Errorf("%s: regular expression of %d bytes exceeds %d", where, len(pattern), maxPatternBytes)
	}
	re, err := regexp2.Compile(pattern, regexp2.None, regexp2.OptionMaxBacktrackingStackSize(regexBacktrackSlots))
	if err != nil {
		return nil, fmt.Errorf("%s: regular expression %q: %w", where, pattern, err)
	}
	re.MatchTimeout = regexMatchTimeout
	return &regex{re: re, where: where, fail: fail}, nil
}

// matches returns the spans of the successive matches of the pattern in s.
// A search that gives up is recorded as the tokenizer's failure and ends
// the matches found so far.
func (r *regex) matches(s string) [][2]int {
	idx, err := r.re.FindAllStringIndex(s, -1)
	if err != nil {
		r.fail.record(fmt.Errorf("%s: regular expression %q on %d bytes of text: %w", r.where, r.re.String(), len(s), err))
	}
	out := make([][2]int, len(idx))
	for i, m := range idx {
		out[i] = [2]int{m[0], m[1]}
	}
	return out
}

// regexSplit is Split with a regular expression the hand-written splitters
// do not cover.
type regexSplit struct {
	re       *regex
	behavior behavior
	invert   bool
}

func (p regexSplit) split(s string, _ bool, emit func(string)) {
	splitPieces(s, p.re.matches(s), p.behavior, p.invert, emit)
}

// regexReplaceNorm is the Replace normalizer with a regular expression: each
// match becomes content.
type regexReplaceNorm struct {
	re      *regex
	content string
}

func (n regexReplaceNorm) normalize(s string) string {
	return replaceSpans(s, n.re.matches(s), n.content)
}

// regexReplaceDec is the Replace decoder with a regular expression, on each token.
type regexReplaceDec struct {
	re      *regex
	content string
}

func (d regexReplaceDec) decodeChain(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = replaceSpans(t, d.re.matches(t), d.content)
	}
	return out
}

// replaceSpans replaces the spans (in order, not overlapping) of s with content.
func replaceSpans(s string, spans [][2]int, content string) string {
	if len(spans) == 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	prev := 0
	for _, m := range spans {
		b = append(b, s[prev:m[0]]...)
		b = append(b, content...)
		prev = m[1]
	}
	return string(append(b, s[prev:]...))
}
