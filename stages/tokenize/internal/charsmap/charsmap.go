package charsmap

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// maxCharsmapResults is how many matches of the character map the C++
// normalizer considers at one position (Normalizer::kMaxTrieResultsSize).
const maxCharsmapResults = 32

// Map is a precompiled character map: a darts-clone trie from input byte
// strings to offsets into a blob of NUL-terminated replacements. This is how
// `nmt_nfkc`, `nfkc_cf` and custom rules are stored in a model.
type Map struct {
	trie       *dartsTrie
	normalized string
	// First tells, for each byte, whether some rule starts with it.
	First [256]bool
	// For ASCII first bytes: whether the byte alone is a rule, and which
	// second bytes continue a rule.
	asciiLeaf   [128]bool
	asciiSecond [128][4]uint64
}

// Parse decodes a map stored as <uint32 trie size><trie units><replacements>.
func Parse(blob []byte) (*Map, error) {
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
	cm := &Map{trie: t, normalized: string(rest[size:])}
	cm.First = t.firstByteMatters()
	cm.asciiLeaf, cm.asciiSecond = t.asciiFollowers()
	return cm, nil
}

// ASCIIMiss reports that no rule matches s, which starts with an ASCII
// byte, judging from its first two bytes only (false means "maybe").
func (cm *Map) ASCIIMiss(s string) bool {
	c := s[0]
	if !cm.First[c] {
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

// Match returns the replacement for the longest rule that starts s (among
// the first 32 that do, as the C++ normalizer looks no further) and the
// number of input bytes it covers, or ok=false when no rule matches.
func (cm *Map) Match(s string) (repl string, n int, ok bool) {
	if !cm.First[s[0]] {
		return "", 0, false
	}
	v, n := cm.trie.longestPrefix(s, maxCharsmapResults)
	if n == 0 {
		return "", 0, false
	}
	return cm.replacement(v), n, true
}

// MatchShortest returns the replacement for the shortest rule that starts s
// and the number of input bytes it covers, or ok=false when no rule matches
// before s ends or reaches a NUL byte. This is the lookup of Hugging Face's
// Precompiled normalizer.
func (cm *Map) MatchShortest(s string) (repl string, n int, ok bool) {
	if s == "" || !cm.First[s[0]] {
		return "", 0, false
	}
	v, n := cm.trie.shortestPrefix(s)
	if n == 0 {
		return "", 0, false
	}
	return cm.replacement(v), n, true
}

// replacement is the NUL-terminated replacement at offset v; an offset past
// the blob is the empty replacement.
func (cm *Map) replacement(v uint32) string {
	if int(v) >= len(cm.normalized) {
		return ""
	}
	repl := cm.normalized[v:]
	if end := strings.IndexByte(repl, 0); end >= 0 {
		repl = repl[:end]
	}
	return repl
}
