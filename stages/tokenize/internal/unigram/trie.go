package unigram

import (
	"fmt"
	"sort"
)

// Trie maps byte strings to non-negative int32 values. It is a double array:
// the child of state s on byte c is t = Nodes[s].Base+c, valid when
// Nodes[t].Check == s. One walk from a start position finds every key that
// is a prefix of the text there, shortest first. The root is state 0, and
// any Base+c of a state is a valid index into Nodes.
type Trie struct {
	Nodes []TrieNode
}

// TrieNode is one state of the double array.
type TrieNode struct {
	Base  int32 // offset of the children's slots
	Check int32 // the parent state; -1 for a free slot
	Value int32 // the key's value when a key ends here, else -1
}

// Entry is a key and its value, input to BuildTrie.
type Entry struct {
	Key   string
	Value int32
}

// BuildTrie builds a trie from entries; keys must be non-empty and unique.
func BuildTrie(entries []Entry) (*Trie, error) {
	sorted := append([]Entry(nil), entries...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
	for i, e := range sorted {
		if e.Key == "" {
			return nil, fmt.Errorf("building trie: empty key")
		}
		if e.Value < 0 {
			return nil, fmt.Errorf("building trie: key %q has negative value %d", e.Key, e.Value)
		}
		if i > 0 && sorted[i-1].Key == e.Key {
			return nil, fmt.Errorf("building trie: duplicate key %q", e.Key)
		}
	}
	b := newTrieBuilder(len(sorted)*2 + 256)
	b.occupy(0)
	b.t.Nodes[0] = TrieNode{Check: -2, Value: -1}
	b.build(0, sorted, 0)
	// Trim trailing free slots but keep 256 so any base+c stays in range.
	last := len(b.t.Nodes) - 1
	for last > 0 && b.t.Nodes[last].Check == -1 {
		last--
	}
	if end := last + 257; end < len(b.t.Nodes) {
		b.t.Nodes = b.t.Nodes[:end]
	}
	return &b.t, nil
}

// trieBuilder lays out a trie, keeping the free slots in a doubly linked
// list so that finding room for a node's children skips occupied slots.
type trieBuilder struct {
	t          Trie
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
	for len(b.t.Nodes) < n {
		i := int32(len(b.t.Nodes))
		b.t.Nodes = append(b.t.Nodes, TrieNode{Check: -1, Value: -1})
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
func (b *trieBuilder) build(s int32, entries []Entry, depth int) {
	if len(entries) > 0 && len(entries[0].Key) == depth {
		b.t.Nodes[s].Value = entries[0].Value
		entries = entries[1:]
	}
	if len(entries) == 0 {
		return
	}
	// Group the remaining entries by their byte at depth (sorted, so runs).
	var labels []byte
	var starts []int
	for i, e := range entries {
		c := e.Key[depth]
		if len(labels) == 0 || labels[len(labels)-1] != c {
			labels = append(labels, c)
			starts = append(starts, i)
		}
	}
	starts = append(starts, len(entries))
	base := b.findBase(labels)
	b.t.Nodes[s].Base = base
	for _, c := range labels {
		b.occupy(base + int32(c))
		b.t.Nodes[base+int32(c)].Check = s
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
			k = int32(len(b.t.Nodes)) + 1
			b.grow(len(b.t.Nodes) + 256)
		}
		pos := k - 1
		base := pos - first
		if base < 1 {
			continue
		}
		b.grow(int(base) + 256 + 1)
		ok := true
		for _, c := range labels[1:] {
			if b.t.Nodes[base+int32(c)].Check != -1 {
				ok = false
				break
			}
		}
		if ok {
			return base
		}
	}
}

// Lookup returns the value of key, or -1.
func (t *Trie) Lookup(key string) int32 {
	nodes := t.Nodes
	s := int32(0)
	for i := 0; i < len(key); i++ {
		c := int32(key[i])
		next := nodes[s].Base + c
		if uint(next) >= uint(len(nodes)) || nodes[next].Check != s {
			return -1
		}
		s = next
	}
	return nodes[s].Value
}

// LongestPrefix returns the value and length of the longest key that is a
// prefix of text, or (-1, 0).
func (t *Trie) LongestPrefix(text string) (int32, int) {
	nodes := t.Nodes
	s := int32(0)
	value, length := int32(-1), 0
	for i := 0; i < len(text); i++ {
		next := nodes[s].Base + int32(text[i])
		if uint(next) >= uint(len(nodes)) || nodes[next].Check != s {
			break
		}
		s = next
		if v := nodes[s].Value; v >= 0 {
			value, length = v, i+1
		}
	}
	return value, length
}
