package bpe

import "container/heap"

// Word is a distinct word of the training text: its symbols and how often
// it occurs.
type Word struct {
	Syms  []int32
	Count int64
}

// Merge is a learned rule: A followed by B becomes ID.
type Merge struct {
	A, B, ID int32
}

// TrainOptions controls Train.
type TrainOptions struct {
	// MaxMerges bounds the number of rules learned.
	MaxMerges int
	// MinFrequency stops training once the most frequent pair occurs fewer times.
	MinFrequency int64
	// Concat returns the id of the token that a followed by b spells, adding it
	// to the vocabulary when it is new.
	Concat func(a, b int32) int32
}

// Train learns merge rules from words the way Hugging Face's BPE trainer
// does: it repeatedly merges the most frequent adjacent pair (the smallest
// pair of ids among equals) everywhere it occurs. words are merged in place.
func Train(words []Word, opts TrainOptions) []Merge {
	t := trainer{
		words:  words,
		counts: make(map[uint64]int64, 1<<16),
		where:  make(map[uint64][]int32, 1<<16),
		done:   map[uint64]bool{},
		stamp:  make([]int32, len(words)),
	}
	for i := range t.stamp {
		t.stamp[i] = -1
	}
	for wi, w := range words {
		for i := 0; i+1 < len(w.Syms); i++ {
			t.add(pairKey(w.Syms[i], w.Syms[i+1]), w.Count, int32(wi))
		}
	}
	for k, c := range t.counts {
		if c > 0 {
			t.queue = append(t.queue, entry{count: c, pair: k})
		}
	}
	heap.Init(&t.queue)
	minFreq := max(opts.MinFrequency, 1)
	var merges []Merge
	for len(merges) < opts.MaxMerges && t.queue.Len() > 0 {
		top := heap.Pop(&t.queue).(entry)
		if t.done[top.pair] {
			continue
		}
		cur := t.counts[top.pair]
		if cur != top.count {
			if cur > 0 {
				heap.Push(&t.queue, entry{count: cur, pair: top.pair})
			}
			continue
		}
		if cur < minFreq {
			break
		}
		a, b := int32(top.pair>>32), int32(uint32(top.pair))
		id := opts.Concat(a, b)
		merges = append(merges, Merge{A: a, B: b, ID: id})
		t.done[top.pair] = true
		t.apply(top.pair, a, b, id, int32(len(merges)))
	}
	return merges
}

type trainer struct {
	words   []Word
	counts  map[uint64]int64
	where   map[uint64][]int32 // words a pair occurs in (possibly stale)
	done    map[uint64]bool
	stamp   []int32 // the merge that last visited each word
	queue   pairQueue
	touched []uint64
}

func (t *trainer) add(k uint64, n int64, word int32) {
	t.counts[k] += n
	if n > 0 {
		ws := t.where[k]
		if len(ws) == 0 || ws[len(ws)-1] != word {
			t.where[k] = append(ws, word)
		}
		t.touched = append(t.touched, k)
	}
}

// apply merges (a, b) into id in every word it occurs in and queues the
// pairs whose counts grew.
func (t *trainer) apply(k uint64, a, b, id, step int32) {
	t.touched = t.touched[:0]
	for _, wi := range t.where[k] {
		if t.stamp[wi] == step {
			continue
		}
		t.stamp[wi] = step
		w := &t.words[wi]
		s := w.Syms
		for i := 0; i+1 < len(s); i++ {
			if s[i] != a || s[i+1] != b {
				continue
			}
			if i > 0 {
				t.add(pairKey(s[i-1], a), -w.Count, wi)
				t.add(pairKey(s[i-1], id), w.Count, wi)
			}
			s[i] = id
			s = append(s[:i+1], s[i+2:]...)
			if i+1 < len(s) {
				t.add(pairKey(b, s[i+1]), -w.Count, wi)
				t.add(pairKey(id, s[i+1]), w.Count, wi)
			}
		}
		w.Syms = s
	}
	delete(t.where, k)
	for _, p := range t.touched {
		if c := t.counts[p]; c > 0 && !t.done[p] {
			heap.Push(&t.queue, entry{count: c, pair: p})
		}
	}
}

type entry struct {
	count int64
	pair  uint64
}

// pairQueue pops the highest count first, the smallest pair among equals.
type pairQueue []entry

// Len implements heap.Interface.
func (q pairQueue) Len() int { return len(q) }

// Less implements heap.Interface.
func (q pairQueue) Less(i, j int) bool {
	if q[i].count != q[j].count {
		return q[i].count > q[j].count
	}
	return q[i].pair < q[j].pair
}

// Swap implements heap.Interface.
func (q pairQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }

// Push implements heap.Interface.
func (q *pairQueue) Push(x any) { *q = append(*q, x.(entry)) }

// Pop implements heap.Interface.
func (q *pairQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}
