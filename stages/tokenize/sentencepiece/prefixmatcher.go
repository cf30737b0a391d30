package sentencepiece

import "github.com/mlpipe/pipeline/stages/tokenize/internal/unigram"

// prefixMatcher finds user-defined symbols at the start of a text, longest
// first. User-defined symbols bypass normalization and are never split.
type prefixMatcher struct {
	trie  *unigram.Trie
	first [256]bool // whether some symbol starts with the byte
}

// newPrefixMatcher builds a matcher for the symbols, or returns nil when
// there are none.
func newPrefixMatcher(symbols []string) (*prefixMatcher, error) {
	if len(symbols) == 0 {
		return nil, nil
	}
	entries := make([]unigram.Entry, len(symbols))
	m := &prefixMatcher{}
	for i, s := range symbols {
		entries[i] = unigram.Entry{Key: s, Value: int32(i)}
		m.first[s[0]] = true
	}
	t, err := unigram.BuildTrie(entries)
	if err != nil {
		return nil, err
	}
	m.trie = t
	return m, nil
}

// match returns the length of the longest symbol that starts s and true, or,
// when none does, the length of the first character (by its lead byte) and
// false. A nil matcher matches nothing.
func (m *prefixMatcher) match(s string) (int, bool) {
	if m != nil && m.first[s[0]] {
		if _, n := m.trie.LongestPrefix(s); n > 0 {
			return n, true
		}
	}
	return clippedCharLen(s[0], len(s)), false
}
