package sentencepiece

import (
	"fmt"
	"sort"
)

// trie maps byte strings to non-negative int32 values. It is a double array:
// the child of state s on byte c is t = base[s]+c, valid when check[t] == s.
// One walk from a start position finds every key that is a prefix of the
// text there, shortest first.
type trie struct {
	nodes []trieNode
}

// trieNode is one state of the double array.
type trieNode struct {
	base  int32 // offset of the children's slots
	check int32 // the parent state; -1 for a free slot
	value int32 // the key's value when a key ends here, else -1
}

// trieEntry is a key and its value, input to buildTrie.
type trieEntry struct {
	key   string
	value int32
}

// buildTrie builds a trie from entries; keys must be non-empty and unique.
func buildTrie(entries []trieEntry) (*trie, error) {
	sorted := append([]trieEntry(nil), entries...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].key < sorted[j].key })
	for i, e := range sorted {
		if e.key == "" {
			return nil, fmt.Errorf("building trie: empty key")
		}
		if e.value < 0 {
			return nil, fmt.Errorf("building trie: key %q has negative value %d", e.key, e.value)
		}
		if i > 0 && sorted[i-1].key == e.key {
			return nil, fmt.Errorf("building trie: duplicate key %q", e.key)
		}
	}
	b := newTrieBuilder(len(sorted)*2 + 256)
	b.occupy(0)
	b.t.nodes[0] = trieNode{check: -2, value: -1}
	b.build(0, sorted, 0)
	// Trim trailing free slots but keep 256 so any base+c stays in range.
	last := len(b.t.nodes) - 1
	for last > 0 && b.t.nodes[last].check == -1 {
		last--
	}
	if end := last + 257; end < len(b.t.nodes) {
		b.t.nodes = b.t.nodes[:end]
	}
	return &b.t, nil
}

// trieBuilder lays out a trie, keeping the free slots in a doubly linked
// list so that finding room for a node's children skips occupied slots.
type trieBuilder struct {
	t          trie
	next, prev []int32 // free-list links; slot len(nodes) is the list head
}

func newTrieBuilder(size int) *trieBuilder {
	b := &trieBuilder{next: []int32{0}, prev: []int32{0}}
	b.grow(size)
	return b
}

// grow adds free slots until there are n. Slot i's links live at i+1 in
// next and prev; index 0 there is the sentinel.
func (b *trieBuilder) grow(n int) {
	for len(b.t.nodes) < n {
		i := int32(len(b.t.nodes))
		b.t.nodes = append(b.t.nodes, trieNode{check: -1, value: -1})
		// Append slot i (link index i+1) before the sentinel.
		last := b.prev[0]
		b.next = append(b.next, 0)
		b.prev = append(b.prev, last)
		b.next[last] = i + 1
		b.prev[0] = i + 1
	}
}

// occupy takes slot i off the free list.
func (b *trieBuilder) occupy(i int32) {
	k := i + 1
	p, n := b.prev[k], b.next[k]
	b.next[p] = n
	b.prev[n] = p
	b.next[k], b.prev[k] = -1, -1
}

// build places the children of state s, which stands for the common prefix
// of length depth of entries.
func (b *trieBuilder) build(s int32, entries []trieEntry, depth int) {
	if len(entries) > 0 && len(entries[0].key) == depth {
		b.t.nodes[s].value = entries[0].value
		entries = entries[1:]
	}
	if len(entries) == 0 {
		return
	}
	// Group the remaining entries by their byte at depth (sorted, so runs).
	var labels []byte
	var starts []int
	for i, e := range entries {
		c := e.key[depth]
		if len(labels) == 0 || labels[len(labels)-1] != c {
			labels = append(labels, c)
			starts = append(starts, i)
		}
	}
	starts = append(starts, len(entries))
	base := b.findBase(labels)
	b.t.nodes[s].base = base
	for _, c := range labels {
		b.occupy(base + int32(c))
		b.t.nodes[base+int32(c)].check = s
	}
	for i, c := range labels {
		b.build(base+int32(c), entries[starts[i]:starts[i+1]], depth+1)
	}
}

// findBase returns a base >= 1 at which every label's slot is free, trying
// the free slots in order for the first label.
func (b *trieBuilder) findBase(labels []byte) int32 {
	first := int32(labels[0])
	for k := b.next[0]; ; k = b.next[k] {
		if k == 0 {
			// No free slot fits: add room at the end.
			k = int32(len(b.t.nodes)) + 1
			b.grow(len(b.t.nodes) + 256)
		}
		pos := k - 1
		base := pos - first
		if base < 1 {
			continue
		}
		b.grow(int(base) + 256 + 1)
		ok := true
		for _, c := range labels[1:] {
			if b.t.nodes[base+int32(c)].check != -1 {
				ok = false
				break
			}
		}
		if ok {
			return base
		}
	}
}

// lookup returns the value of key, or -1.
func (t *trie) lookup(key string) int32 {
	nodes := t.nodes
	s := int32(0)
	for i := 0; i < len(key); i++ {
		c := int32(key[i])
		next := nodes[s].base + c
		if uint(next) >= uint(len(nodes)) || nodes[next].check != s {
			return -1
		}
		s = next
	}
	return nodes[s].value
}

// longestPrefix returns the value and length of the longest key that is a
// prefix of text, or (-1, 0).
func (t *trie) longestPrefix(text string) (int32, int) {
	nodes := t.nodes
	s := int32(0)
	value, length := int32(-1), 0
	for i := 0; i < len(text); i++ {
		next := nodes[s].base + int32(text[i])
		if uint(next) >= uint(len(nodes)) || nodes[next].check != s {
			break
		}
		s = next
		if v := nodes[s].value; v >= 0 {
			value, length = v, i+1
		}
	}
	return value, length
}
