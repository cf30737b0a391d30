package baseline

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// KneserNey is an interpolated, modified Kneser-Ney n-gram language model
// (Chen and Goodman, 1998: three discounts per order, for counts of one, two,
// and three or more, estimated from the counts of counts). The highest order
// used for a prediction counts n-grams as they occur; the lower orders count
// the distinct tokens seen before them (continuation counts), except when a
// history is cut short (the start of a window), where the order it reaches
// is the highest and uses plain counts too. Order 1 interpolates with the
// uniform distribution over the vocabulary, so no token has probability 0.
//
// N-grams are packed into uint64 keys (Bits bits a token, the first token
// highest) and kept in sorted arrays, so that counting is a sort and a
// lookup a binary search: memory is about 24 bytes per distinct n-gram.
type KneserNey struct {
	// Order is n, the longest n-gram counted.
	Order int
	// Vocab is the vocabulary size; tokens are in [0, Vocab).
	Vocab int
	// Bits is the width of a token in a key.
	Bits   uint
	levels []*knLevel // levels[k-1] holds the k-grams
}

// knLevel holds the k-grams of one order and their contexts' statistics.
type knLevel struct {
	k int
	// keys are the distinct k-grams, sorted; raw and cont their plain and
	// continuation counts (cont is zero for the highest order).
	keys      []uint64
	raw, cont []uint32
	// ctx are the distinct (k-1)-gram contexts, sorted, with each one's
	// statistics for plain and continuation counts.
	ctx              []uint64
	rawCtx, contCtx  []knContext
	rawDisc, contDis [4]float64 // discounts for counts 0, 1, 2, 3+
}

// knContext is what the interpolation needs of a context: the total count
// after it and how many of the tokens after it were counted once, twice,
// and three times or more.
type knContext struct {
	sum            uint64
	n1, n2, n3plus uint32
}

// TrainKneserNey counts the n-grams of stream up to order.
func TrainKneserNey(stream []int32, order, vocab int) (*KneserNey, error) {
	if order < 1 {
		return nil, fmt.Errorf("order %d: must be at least 1", order)
	}
	if vocab < 1 {
		return nil, fmt.Errorf("vocabulary size %d: must be at least 1", vocab)
	}
	b := uint(bits.Len(uint(vocab - 1)))
	if b == 0 {
		b = 1
	}
	if uint(order)*b > 64 {
		return nil, fmt.Errorf("order %d over a vocabulary of %d tokens needs %d bits a key: at most 64 (order at most %d)",
			order, vocab, uint(order)*b, 64/b)
	}
	for i, t := range stream {
		if t < 0 || int(t) >= vocab {
			return nil, fmt.Errorf("token %d at position %d is outside the vocabulary of %d", t, i, vocab)
		}
	}
	m := &KneserNey{Order: order, Vocab: vocab, Bits: b, levels: make([]*knLevel, order)}
	for k := order; k >= 1; k-- {
		lv := &knLevel{k: k}
		lv.keys, lv.raw = countSorted(m.ngrams(stream, k))
		if k < order {
			// A (k+1)-gram's last k tokens, once per distinct (k+1)-gram,
			// counts the distinct tokens seen before each k-gram.
			upper := m.levels[k]
			mask := m.mask(k)
			suffixes := make([]uint64, len(upper.keys))
			for i, key := range upper.keys {
				suffixes[i] = key & mask
			}
			ck, cc := countSorted(suffixes)
			lv.cont = make([]uint32, len(lv.keys))
			j := 0
			for i, key := range ck { // ck ⊆ keys: each suffix occurs in the stream
				for lv.keys[j] != key {
					j++
				}
				lv.cont[j] = cc[i]
			}
		}
		lv.contexts(b)
		lv.rawDisc = discounts(lv.raw)
		if lv.cont != nil {
			lv.contDis = discounts(lv.cont)
		}
		m.levels[k-1] = lv
	}
	return m, nil
}

// ngrams packs every k-gram of stream.
func (m *KneserNey) ngrams(stream []int32, k int) []uint64 {
	if len(stream) < k {
		return nil
	}
	out := make([]uint64, 0, len(stream)-k+1)
	for i := 0; i+k <= len(stream); i++ {
		out = append(out, m.pack(stream[i:i+k]))
	}
	return out
}

func (m *KneserNey) pack(toks []int32) uint64 {
	var key uint64
	for _, t := range toks {
		key = key<<m.Bits | uint64(t)
	}
	return key
}

func (m *KneserNey) mask(k int) uint64 {
	if uint(k)*m.Bits >= 64 {
		return math.MaxUint64
	}
	return 1<<(uint(k)*m.Bits) - 1
}

// countSorted sorts keys and returns the distinct ones with their counts.
func countSorted(keys []uint64) ([]uint64, []uint32) {
	slices.Sort(keys)
	var uniq []uint64
	var counts []uint32
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j] == keys[i] {
			j++
		}
		uniq = append(uniq, keys[i])
		counts = append(counts, uint32(min(j-i, math.MaxUint32)))
		i = j
	}
	return uniq, counts
}

// contexts fills the level's context statistics: keys sorted by value are
// grouped by their context, the key without its last token.
func (lv *knLevel) contexts(b uint) {
	for i := 0; i < len(lv.keys); {
		c := lv.keys[i] >> b
		if lv.k == 1 {
			c = 0
		}
		var raw, cont knContext
		for ; i < len(lv.keys) && (lv.k == 1 || lv.keys[i]>>b == c); i++ {
			raw.add(lv.raw[i])
			if lv.cont != nil {
				cont.add(lv.cont[i])
			}
		}
		lv.ctx = append(lv.ctx, c)
		lv.rawCtx = append(lv.rawCtx, raw)
		if lv.cont != nil {
			lv.contCtx = append(lv.contCtx, cont)
		}
	}
}

func (c *knContext) add(n uint32) {
	c.sum += uint64(n)
	switch {
	case n == 1:
		c.n1++
	case n == 2:
		c.n2++
	case n >= 3:
		c.n3plus++
	}
}

// discounts estimates the three discounts from the counts of counts
// (D1 = 1 - 2Y n2/n1, D2 = 2 - 3Y n3/n2, D3+ = 3 - 4Y n4/n3 with
// Y = n1/(n1 + 2 n2)); where a count of counts is zero, or an estimate falls
// outside (0, c], the discount is the plain absolute one, Y, kept in range.
func discounts(counts []uint32) [4]float64 {
	var n [5]float64
	for _, c := range counts {
		if c >= 1 && c <= 4 {
			n[c]++
		}
	}
	y := 0.5
	if n[1] > 0 || n[2] > 0 {
		y = n[1] / (n[1] + 2*n[2])
	}
	if y <= 0 || y >= 1 {
		y = 0.5
	}
	est := func(c int, num, den float64) float64 {
		if den == 0 {
			return min(y, float64(c))
		}
		d := float64(c) - float64(c+1)*y*num/den
		if d <= 0 || d > float64(c) {
			return min(y, float64(c))
		}
		return d
	}
	return [4]float64{0, est(1, n[2], n[1]), est(2, n[3], n[2]), est(3, n[4], n[3])}
}

func discountOf(d [4]float64, c uint32) float64 {
	return d[min(c, 3)]
}

// Prob returns P(next | history): the history's last Order-1 tokens are used
// (all of it when shorter).
func (m *KneserNey) Prob(history []int32, next int32) float64 {
	if len(history) > m.Order-1 {
		history = history[len(history)-(m.Order-1):]
	}
	return m.prob(len(history)+1, true, history, next)
}

// prob is P_k(next | history) with len(history) = k-1; top says whether
// order k is the highest used (plain counts) or a lower one (continuation
// counts).
func (m *KneserNey) prob(k int, top bool, history []int32, next int32) float64 {
	var lower float64
	if k == 1 {
		lower = 1 / float64(m.Vocab)
	} else {
		lower = m.prob(k-1, false, history[1:], next)
	}
	lv := m.levels[k-1]
	counts, ctxs, disc := lv.raw, lv.rawCtx, lv.rawDisc
	if !top && lv.cont != nil {
		counts, ctxs, disc = lv.cont, lv.contCtx, lv.contDis
	}
	ci := 0
	if k > 1 {
		var ok bool
		if ci, ok = slices.BinarySearch(lv.ctx, m.pack(history)); !ok {
			return lower
		}
	} else if len(lv.ctx) == 0 {
		return lower
	}
	st := ctxs[ci]
	if st.sum == 0 {
		return lower
	}
	var c uint32
	if i, ok := slices.BinarySearch(lv.keys, m.pack(history)<<m.Bits|uint64(next)); ok {
		c = counts[i]
	}
	sum := float64(st.sum)
	gamma := (disc[1]*float64(st.n1) + disc[2]*float64(st.n2) + disc[3]*float64(st.n3plus)) / sum
	return max(float64(c)-discountOf(disc, c), 0)/sum + gamma*lower
}
