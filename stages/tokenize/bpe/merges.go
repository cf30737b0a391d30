// Package bpe holds the byte-pair-encoding algorithms shared by the BPE
// tokenizers: applying a table of merge rules to a sequence of symbols, and
// learning such a table from word counts.
package bpe

import (
	"container/heap"
	"math"
)

// Merges maps a pair of adjacent symbol ids to the rank of the rule that
// merges them (lower ranks apply first) and the id of the merged symbol.
type Merges struct {
	table map[uint64]rule
}

type rule struct {
	rank int32
	id   int32
}

const noRank = math.MaxInt32

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// NewMerges returns an empty table with room for n rules.
func NewMerges(n int) *Merges { return &Merges{table: make(map[uint64]rule, n)} }

// Add appends a rule: a followed by b becomes merged, with the next rank.
// A pair added twice keeps its first rank.
func (m *Merges) Add(a, b, merged int32) {
	k := pairKey(a, b)
	if _, dup := m.table[k]; dup {
		return
	}
	m.table[k] = rule{rank: int32(len(m.table)), id: merged}
}

// Len is the number of rules.
func (m *Merges) Len() int { return len(m.table) }

// Lookup returns the rank and merged id of the rule for (a, b).
func (m *Merges) Lookup(a, b int32) (rank, merged int32, ok bool) {
	r, ok := m.table[pairKey(a, b)]
	return r.rank, r.id, ok
}

func (m *Merges) rank(a, b int32) (int32, int32) {
	if r, ok := m.table[pairKey(a, b)]; ok {
		return r.rank, r.id
	}
	return noRank, -1
}

// heapThreshold is the symbol count from which Apply switches from repeated
// linear scans to a priority queue.
const heapThreshold = 128

// Apply merges syms in place, always applying the lowest-ranked rule that
// matches an adjacent pair (the leftmost one among equals) until none
// matches, and returns the merged symbols (a prefix of syms).
func (m *Merges) Apply(syms []int32) []int32 {
	if len(syms) < 2 {
		return syms
	}
	if len(syms) >= heapThreshold {
		return m.applyHeap(syms)
	}
	var buf [heapThreshold]int32
	ranks := buf[:len(syms)-1]
	var idBuf [heapThreshold]int32
	merged := idBuf[:len(syms)-1]
	for i := range ranks {
		ranks[i], merged[i] = m.rank(syms[i], syms[i+1])
	}
	for len(ranks) > 0 {
		best, at := int32(noRank), -1
		for i, r := range ranks {
			if r < best {
				best, at = r, i
			}
		}
		if at < 0 {
			break
		}
		syms[at] = merged[at]
		copy(syms[at+1:], syms[at+2:])
		syms = syms[:len(syms)-1]
		copy(ranks[at:], ranks[at+1:])
		ranks = ranks[:len(ranks)-1]
		copy(merged[at:], merged[at+1:])
		merged = merged[:len(merged)-1]
		if at > 0 {
			ranks[at-1], merged[at-1] = m.rank(syms[at-1], syms[at])
		}
		if at < len(ranks) {
			ranks[at], merged[at] = m.rank(syms[at], syms[at+1])
		}
	}
	return syms
}

// candidate is a possible merge of the symbol at pos with its right neighbour.
type candidate struct {
	rank, pos   int32
	left, right int32 // the ids the pair had when queued
}

type queue []candidate

// Len implements heap.Interface.
func (q queue) Len() int { return len(q) }

// Less implements heap.Interface.
func (q queue) Less(i, j int) bool {
	if q[i].rank != q[j].rank {
		return q[i].rank < q[j].rank
	}
	return q[i].pos < q[j].pos
}

// Swap implements heap.Interface.
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }

// Push implements heap.Interface.
func (q *queue) Push(x any) { *q = append(*q, x.(candidate)) }

// Pop implements heap.Interface.
func (q *queue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}

// applyHeap is Apply for long sequences: symbols form a linked list and
// candidate merges wait in a priority queue ordered by (rank, position);
// a candidate whose symbols changed since it was queued is skipped.
func (m *Merges) applyHeap(syms []int32) []int32 {
	n := len(syms)
	next := make([]int32, n)
	prev := make([]int32, n)
	alive := make([]bool, n)
	for i := range n {
		next[i], prev[i], alive[i] = int32(i+1), int32(i-1), true
	}
	next[n-1] = -1
	q := make(queue, 0, n)
	for i := 0; i+1 < n; i++ {
		if r, _ := m.rank(syms[i], syms[i+1]); r != noRank {
			q = append(q, candidate{rank: r, pos: int32(i), left: syms[i], right: syms[i+1]})
		}
	}
	heap.Init(&q)
	for q.Len() > 0 {
		c := heap.Pop(&q).(candidate)
		p := c.pos
		nx := next[p]
		if !alive[p] || nx < 0 || syms[p] != c.left || syms[nx] != c.right {
			continue
		}
		_, id := m.rank(c.left, c.right)
		syms[p] = id
		alive[nx] = false
		next[p] = next[nx]
		if next[p] >= 0 {
			prev[next[p]] = p
		}
		if pv := prev[p]; pv >= 0 {
			if r, _ := m.rank(syms[pv], syms[p]); r != noRank {
				heap.Push(&q, candidate{rank: r, pos: pv, left: syms[pv], right: syms[p]})
			}
		}
		if nn := next[p]; nn >= 0 {
			if r, _ := m.rank(syms[p], syms[nn]); r != noRank {
				heap.Push(&q, candidate{rank: r, pos: p, left: syms[p], right: syms[nn]})
			}
		}
	}
	out := syms[:0]
	for i := int32(0); i >= 0; i = next[i] {
		out = append(out, syms[i])
	}
	return out
}
