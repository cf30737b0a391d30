package hf

import (
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/mlpipe/pipeline/stages/tokenize/bpe"
)

// model turns one pre-tokenized word into ids.
type model interface {
	// tokenize appends the ids of word to dst. For a byte-level model word
	// holds raw bytes, which the model spells in the byte-level alphabet.
	tokenize(word string, dst []int32) []int32
	vocab() *vocab
}

// bpeModel is the BPE model: characters (or bytes) of a word merged by ranked rules.
type bpeModel struct {
	v            *vocab
	merges       *bpe.Merges
	byteLevel    bool
	byteIDs      [256]int32 // byte-level: the id of each byte's character, -1 if absent
	unk          int32      // -1: none
	fuseUnk      bool
	byteFallback bool
	prefix       string // continuing_subword_prefix
	suffix       string // end_of_word_suffix
	ignoreMerges bool
	cache        wordCache
}

func (m *bpeModel) vocab() *vocab { return m.v }

// init derives the byte table; call it once byteLevel is known.
func (m *bpeModel) init() {
	for b := range 256 {
		m.byteIDs[b] = -1
		if id, ok := m.v.id(string(byteRune[b])); ok {
			m.byteIDs[b] = id
		}
	}
}

func (m *bpeModel) tokenize(word string, dst []int32) []int32 {
	if word == "" {
		return dst
	}
	if ids, ok := m.cache.get(word); ok {
		return append(dst, ids...)
	}
	n := len(dst)
	dst = m.merge(word, dst)
	m.cache.put(word, dst[n:])
	return dst
}

// tokenizeLocal is tokenize with a cache that only one goroutine uses.
func (m *bpeModel) tokenizeLocal(word string, dst []int32, cache map[string][]int32) []int32 {
	if word == "" {
		return dst
	}
	if len(word) > cacheMaxWord {
		return m.merge(word, dst)
	}
	if ids, ok := cache[word]; ok {
		return append(dst, ids...)
	}
	n := len(dst)
	dst = m.merge(word, dst)
	if len(cache) >= localCacheCap {
		clear(cache)
	}
	cache[strings.Clone(word)] = append([]int32(nil), dst[n:]...)
	return dst
}

// localCacheCap bounds an Encoder's word cache.
const localCacheCap = 1 << 16

// merge appends the ids of word, computed without any cache, to dst.
func (m *bpeModel) merge(word string, dst []int32) []int32 {
	var buf [64]int32
	syms := buf[:0]
	if m.byteLevel && m.unk < 0 && !m.byteFallback && !m.ignoreMerges {
		for i := 0; i < len(word); i++ {
			if id := m.byteIDs[word[i]]; id >= 0 {
				syms = append(syms, id)
			}
		}
	} else {
		syms = m.symbols(word, syms)
	}
	return append(dst, m.merges.Apply(syms)...)
}

// symbols returns the initial symbols of word: its characters (with the
// subword prefix and word suffix), unknown ones as the unknown token (fused
// when fuse_unk), as <0xXX> byte tokens with byte_fallback, or dropped.
func (m *bpeModel) symbols(word string, syms []int32) []int32 {
	w := word
	if m.byteLevel {
		w = toByteLevel(word)
	}
	if m.ignoreMerges {
		if id, ok := m.v.id(w); ok {
			return append(syms, id)
		}
	}
	pendingUnk := false
	for i, r := range w {
		n := utf8.RuneLen(r)
		s := w[i : i+n]
		if i > 0 && m.prefix != "" {
			s = m.prefix + s
		}
		if i+n == len(w) && m.suffix != "" {
			s += m.suffix
		}
		if id, ok := m.v.id(s); ok {
			if pendingUnk {
				syms = append(syms, m.unk)
				pendingUnk = false
			}
			syms = append(syms, id)
			continue
		}
		if m.byteFallback {
			ok := true
			var bs []int32
			for _, b := range []byte(w[i : i+n]) {
				id, found := m.v.id(fmt.Sprintf("<0x%02X>", b))
				if !found {
					ok = false
					break
				}
				bs = append(bs, id)
			}
			if ok {
				if pendingUnk {
					syms = append(syms, m.unk)
					pendingUnk = false
				}
				syms = append(syms, bs...)
				continue
			}
		}
		if m.unk >= 0 {
			if pendingUnk && !m.fuseUnk {
				syms = append(syms, m.unk)
			}
			pendingUnk = true
		}
	}
	if pendingUnk {
		syms = append(syms, m.unk)
	}
	return syms
}

// wordCache remembers the ids of words already tokenized. It is sharded to
// keep concurrent encoders apart, and stops growing at a bound.
type wordCache struct {
	seed   maphash.Seed
	once   sync.Once
	shards [64]cacheShard
}

type cacheShard struct {
	mu sync.RWMutex
	m  map[string][]int32
}

const cacheShardCap = 1 << 13

// cacheMaxWord is the longest word (in bytes) the cache keeps: long words
// are rare and would make the cache's memory depend on the input.
const cacheMaxWord = 96

func (c *wordCache) shard(word string) *cacheShard {
	c.once.Do(func() { c.seed = maphash.MakeSeed() })
	return &c.shards[maphash.String(c.seed, word)&63]
}

func (c *wordCache) get(word string) ([]int32, bool) {
	if len(word) > cacheMaxWord {
		return nil, false
	}
	s := c.shard(word)
	s.mu.RLock()
	ids, ok := s.m[word]
	s.mu.RUnlock()
	return ids, ok
}

func (c *wordCache) put(word string, ids []int32) {
	if len(word) > cacheMaxWord {
		return
	}
	s := c.shard(word)
	s.mu.Lock()
	if s.m == nil {
		s.m = make(map[string][]int32)
	}
	if len(s.m) < cacheShardCap {
		s.m[word] = append([]int32(nil), ids...)
	}
	s.mu.Unlock()
}
