package sentencepiece

// bpePair is a candidate merge of two adjacent symbols.
type bpePair struct {
	score       float32 // the merged piece's score; higher merges first
	left, right int32   // symbol indexes
	size        int32   // byte length of the merged piece, to spot stale pairs
	id          int32   // the merged piece
}

// pairHeap is a binary max-heap of pairs ordered as the C++ agenda: higher
// score first, then the leftmost pair.
type pairHeap []bpePair

func (a *bpePair) before(b *bpePair) bool {
	return a.score > b.score || (a.score == b.score && a.left < b.left)
}

func (h *pairHeap) push(p bpePair) {
	s := append(*h, p)
	i := len(s) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !s[i].before(&s[parent]) {
			break
		}
		s[i], s[parent] = s[parent], s[i]
		i = parent
	}
	*h = s
}

func (h *pairHeap) pop() bpePair {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && s[r].before(&s[l]) {
			c = r
		}
		if !s[c].before(&s[i]) {
			break
		}
		s[i], s[c] = s[c], s[i]
		i = c
	}
	*h = s
	return top
}
