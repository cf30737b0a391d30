package sentencepiece

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// maxCharsmapResults is how many matches of the character map the C++
// normalizer considers at one position (Normalizer::kMaxTrieResultsSize).
const maxCharsmapResults = 32

// charsmap is a precompiled character map: a darts-clone trie from input
// byte strings to offsets into a blob of NUL-terminated replacements. This is
// how `nmt_nfkc`, `nfkc_cf` and custom rules are stored in a model.
type charsmap struct {
	trie       *dartsTrie
	normalized string
	first      [256]bool // whether some rule starts with the byte
	// For ASCII first bytes: whether the byte alone is a rule, and which
	// second bytes continue a rule.
	asciiLeaf   [128]bool
	asciiSecond [128][4]uint64
}

// parseCharsmap decodes <uint32 trie size><trie units><replacements>.
func parseCharsmap(blob []byte) (*charsmap, error) {
	if len(blob) <= 4 {
		return nil, fmt.Errorf("precompiled charsmap of %d bytes is too short", len(blob))
	}
	size := binary.LittleEndian.Uint32(blob)
	if uint64(size) >= uint64(len(blob)) {
		return nil, fmt.Errorf("precompiled charsmap: trie size %d exceeds the blob (%d bytes)", size, len(blob))
	}
	rest := blob[4:]
	if uint64(size) > uint64(len(rest)) {
		return nil, fmt.Errorf("precompiled charsmap: trie size %d exceeds the blob (%d bytes)", size, len(blob))
	}
	t, err := newDartsTrie(rest[:size])
	if err != nil {
		return nil, fmt.Errorf("precompiled charsmap: %w", err)
	}
	cm := &charsmap{trie: t, normalized: string(rest[size:])}
	cm.first = t.firstByteMatters()
	cm.asciiLeaf, cm.asciiSecond = t.asciiFollowers()
	return cm, nil
}

// asciiMiss reports that no rule matches s, which starts with an ASCII
// byte, judging from its first two bytes only (false means "maybe").
func (cm *charsmap) asciiMiss(s string) bool {
	c := s[0]
	if !cm.first[c] {
		return true
	}
	if cm.asciiLeaf[c] {
		return false
	}
	if len(s) < 2 {
		return true
	}
	d := s[1]
	return cm.asciiSecond[c][d>>6]&(1<<(d&63)) == 0
}

// match returns the replacement for the longest rule that starts s and the
// number of input bytes it covers, or ok=false when no rule matches.
func (cm *charsmap) match(s string) (repl string, n int, ok bool) {
	if !cm.first[s[0]] {
		return "", 0, false
	}
	v, n := cm.trie.longestPrefix(s, maxCharsmapResults)
	if n == 0 {
		return "", 0, false
	}
	if int(v) >= len(cm.normalized) {
		return "", n, true
	}
	repl = cm.normalized[v:]
	if end := strings.IndexByte(repl, 0); end >= 0 {
		repl = repl[:end]
	}
	return repl, n, true
}
