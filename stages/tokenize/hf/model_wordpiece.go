package hf

import "unicode/utf8"

// wordPieceModel is WordPiece: greedy longest-match-first over the vocabulary,
// pieces after the first carrying the continuing-subword prefix.
type wordPieceModel struct {
	v        *vocab
	unk      int32
	prefix   string
	maxChars int
}

func (m *wordPieceModel) vocab() *vocab { return m.v }

func (m *wordPieceModel) tokenize(word string, dst []int32) []int32 {
	if utf8.RuneCountInString(word) > m.maxChars {
		return append(dst, m.unk)
	}
	n := len(dst)
	var buf [128]byte
	for start := 0; start < len(word); {
		end := len(word)
		found := int32(-1)
		for start < end {
			var id int32
			var ok bool
			if start == 0 {
				id, ok = m.v.ids[word[:end]]
			} else {
				key := append(append(buf[:0], m.prefix...), word[start:end]...)
				id, ok = m.v.ids[string(key)] // no allocation for a map lookup
			}
			if ok {
				found = id
				break
			}
			_, w := utf8.DecodeLastRuneInString(word[start:end])
			end -= w
		}
		if found < 0 {
			return append(dst[:n], m.unk)
		}
		dst = append(dst, found)
		start = end
	}
	return dst
}

// wordLevelModel is WordLevel: each word is a token, or the unknown token.
type wordLevelModel struct {
	v   *vocab
	unk int32 // -1: none, unknown words are dropped
}

func (m *wordLevelModel) vocab() *vocab { return m.v }

func (m *wordLevelModel) tokenize(word string, dst []int32) []int32 {
	if id, ok := m.v.id(word); ok {
		return append(dst, id)
	}
	if m.unk >= 0 {
		return append(dst, m.unk)
	}
	return dst
}
