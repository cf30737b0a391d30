package hf

import (
	"sort"
	"unicode"
	"unicode/utf8"
)

// addedToken is an entry of tokenizer.json's added_tokens.
type addedToken struct {
	ID         int32  `json:"id"`
	Content    string `json:"content"`
	SingleWord bool   `json:"single_word"`
	LStrip     bool   `json:"lstrip"`
	RStrip     bool   `json:"rstrip"`
	Normalized bool   `json:"normalized"`
	Special    bool   `json:"special"`
}

// matcher finds added tokens in text, leftmost first and longest among
// those starting at the same place.
type matcher struct {
	first  [256]bool
	tokens []addedToken // longest first
}

func newMatcher(tokens []addedToken) *matcher {
	m := &matcher{}
	for _, t := range tokens {
		if t.Content == "" {
			continue
		}
		m.first[t.Content[0]] = true
		m.tokens = append(m.tokens, t)
	}
	sort.SliceStable(m.tokens, func(i, j int) bool { return len(m.tokens[i].Content) > len(m.tokens[j].Content) })
	return m
}

// segment is a piece of text: an added token (id >= 0) or text to tokenize.
type segment struct {
	text string
	id   int32
}

// split cuts s into added tokens and the text between them.
func (m *matcher) split(s string, out []segment) []segment {
	if m == nil || len(m.tokens) == 0 {
		return append(out, segment{s, -1})
	}
	last := 0
	for i := 0; i < len(s); i++ {
		if !m.first[s[i]] {
			continue
		}
		for _, t := range m.tokens {
			if len(s)-i < len(t.Content) || s[i:i+len(t.Content)] != t.Content {
				continue
			}
			start, end := i, i+len(t.Content)
			if t.SingleWord && (wordCharBefore(s, start) || wordCharAfter(s, end)) {
				break
			}
			if t.LStrip {
				for start > last {
					r, w := utf8.DecodeLastRuneInString(s[:start])
					if !unicode.Is(unicode.White_Space, r) {
						break
					}
					start -= w
				}
			}
			if t.RStrip {
				for end < len(s) {
					r, w := utf8.DecodeRuneInString(s[end:])
					if !unicode.Is(unicode.White_Space, r) {
						break
					}
					end += w
				}
			}
			if start > last {
				out = append(out, segment{s[last:start], -1})
			}
			out = append(out, segment{s[start:end], t.ID})
			last = end
			i = end - 1
			break
		}
	}
	if last < len(s) {
		out = append(out, segment{s[last:], -1})
	}
	return out
}

func wordCharBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isWordChar(r)
}

func wordCharAfter(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isWordChar(r)
}
