package rules

import "sort"

// keywordSet finds many keywords at once, ignoring ASCII case. It is an
// Aho–Corasick automaton compiled to a dense DFA over byte classes: every byte
// that occurs in no keyword shares class 0, so the table stays small enough to
// live in the first-level cache and the scan loop is one load per input byte.
type keywordSet struct {
	words  []string   // lower-cased keywords, by id
	class  [256]uint8 // byte -> class (upper and lower case share one)
	nclass int
	// next[state+class] is the next state, pre-multiplied by nclass, with
	// hitFlag set when the state ends at least one keyword.
	next []uint32
	// out[state/nclass] lists the keyword ids that end in that state.
	out [][]int32
}

const hitFlag = 1 << 31

// hit is one keyword occurrence: the keyword's id and the offset just past it.
type hit struct {
	id  int32
	end int
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// newKeywordSet compiles the keywords (compared without regard to ASCII case).
func newKeywordSet(words []string) *keywordSet {
	ks := &keywordSet{words: make([]string, len(words))}
	// Byte classes.
	used := [256]bool{}
	for i, w := range words {
		lw := make([]byte, len(w))
		for j := 0; j < len(w); j++ {
			lw[j] = lowerASCII(w[j])
			used[lw[j]] = true
		}
		ks.words[i] = string(lw)
	}
	n := 1
	for b := 0; b < 256; b++ {
		if used[b] {
			ks.class[b] = uint8(n)
			n++
		}
	}
	for b := 'A'; b <= 'Z'; b++ {
		ks.class[b] = ks.class[b+'a'-'A']
	}
	ks.nclass = n

	// Trie.
	type node struct {
		child map[uint8]int
		fail  int
		out   []int32
	}
	nodes := []node{{child: map[uint8]int{}}}
	for id, w := range ks.words {
		s := 0
		for j := 0; j < len(w); j++ {
			c := ks.class[w[j]]
			t, ok := nodes[s].child[c]
			if !ok {
				t = len(nodes)
				nodes = append(nodes, node{child: map[uint8]int{}})
				nodes[s].child[c] = t
			}
			s = t
		}
		nodes[s].out = append(nodes[s].out, int32(id))
	}

	// Breadth-first: failure links, merged outputs and the full DFA.
	ks.next = make([]uint32, len(nodes)*n)
	ks.out = make([][]int32, len(nodes))
	delta := func(s int, c uint8) int { return int(ks.next[s*n+int(c)]&^hitFlag) / n }
	queue := []int{}
	for c := 0; c < n; c++ {
		if t, ok := nodes[0].child[uint8(c)]; ok && c != 0 {
			nodes[t].fail = 0
			queue = append(queue, t)
			ks.next[c] = uint32(t * n)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		nodes[s].out = append(nodes[s].out, nodes[nodes[s].fail].out...)
		for c := 0; c < n; c++ {
			if t, ok := nodes[s].child[uint8(c)]; ok && c != 0 {
				nodes[t].fail = delta(nodes[s].fail, uint8(c))
				queue = append(queue, t)
				ks.next[s*n+c] = uint32(t * n)
			} else {
				ks.next[s*n+c] = uint32(delta(nodes[s].fail, uint8(c)) * n)
			}
		}
	}
	for s := range nodes {
		out := nodes[s].out
		sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
		ks.out[s] = out
	}
	// Flag transitions into states that end a keyword.
	for i, v := range ks.next {
		if len(ks.out[int(v)/n]) > 0 {
			ks.next[i] = v | hitFlag
		}
	}
	return ks
}

// find calls fn for every keyword occurrence in buf, in order of its end.
func (ks *keywordSet) find(buf []byte, fn func(h hit)) {
	next := ks.next
	class := &ks.class
	s := uint32(0)
	for i := 0; i < len(buf); i++ {
		s = next[s+uint32(class[buf[i]])]
		if s&hitFlag != 0 {
			s &^= hitFlag
			for _, id := range ks.out[int(s)/ks.nclass] {
				fn(hit{id: id, end: i + 1})
			}
		}
	}
}
