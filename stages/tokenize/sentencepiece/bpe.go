package sentencepiece

import "github.com/mlpipe/pipeline/stages/tokenize/internal/unigram"

import "strings"

// bpe segments by byte-pair encoding as the C++ library does: start from
// characters (user-defined symbols whole and frozen), then repeatedly merge
// the adjacent pair whose concatenation is the highest-scoring piece, the
// leftmost on ties. Merges reaching an UNUSED piece are undone at the end.
//
// Instead of hashing the concatenated strings, symbols carry a merge id — a
// piece id, or a pseudo id for a character that occurs inside pieces
// without being one — and a table maps id pairs to the merged piece.
type bpe struct {
	m      *Model
	trie   *unigram.Trie // pieces and pseudo characters → merge id
	pairs  *pairTable
	ascii  [128]int32 // merge id of each ASCII byte, or -1
	nReal  int32      // merge ids below this are piece ids
	outIDs []int32    // per merge id: the id encoding emits for it
	sizes  []int32    // per piece id: byte length
	unused []bool     // per piece id
	// hasUnused says whether any piece is UNUSED (then merges are recorded
	// to split such pieces again).
	hasUnused bool
	// splitWords says that no piece has whitespace after other characters,
	// so no merge crosses the start of a whitespace run: each word (a run
	// of whitespace and the characters up to the next whitespace) can be
	// merged on its own, with a small heap, and its pieces cached. The
	// result is the same. (Not with UNUSED pieces: their splits are
	// recorded across the whole text.)
	splitWords bool
	space      string // the whitespace symbol: ▁, or " " when not escaped
}

// bpeSymbol is a symbol of the working segmentation, linked to its neighbours.
type bpeSymbol struct {
	begin, end int32 // bytes of the normalized text; empty once merged away
	prev, next int32 // neighbours, -1 at the ends
	mid        int32 // merge id, -1 when the symbol can never merge
	frozen     bool  // a user-defined symbol
}

func newBPE(m *Model) (*bpe, error) {
	b := &bpe{m: m, nReal: int32(len(m.pieces)), splitWords: true, space: " "}
	if m.norm.spec.escapeWhitespaces {
		b.space = spaceSymbol
	}
	n := len(m.pieces)
	b.sizes = make([]int32, n)
	b.unused = make([]bool, n)
	b.outIDs = make([]int32, n, n+64)
	var entries []unigram.Entry
	for i, p := range m.pieces {
		b.sizes[i] = int32(len(p.text))
		b.outIDs[i] = int32(i)
		if p.typ != Normal && p.typ != UserDefined && p.typ != Unused {
			continue
		}
		b.unused[i] = p.typ == Unused
		if strings.Contains(strings.TrimLeft(p.text, b.space), b.space) {
			b.splitWords = false
		}
		b.hasUnused = b.hasUnused || b.unused[i]
		entries = append(entries, unigram.Entry{Key: p.text, Value: int32(i)})
		// The C++ library looks reserved pieces up first when it turns a
		// segment back into an id.
		if id, ok := m.reserved[p.text]; ok {
			b.outIDs[i] = id
		}
	}
	// Give a pseudo id to each character that occurs in a piece but is not one.
	pseudo := map[string]int32{}
	for _, e := range entries {
		for k := 0; k < len(e.Key); {
			l := clippedCharLen(e.Key[k], len(e.Key)-k)
			c := e.Key[k : k+l]
			if _, ok := m.pieceIDs[c]; !ok {
				if _, ok := pseudo[c]; !ok {
					id := int32(len(b.outIDs))
					pseudo[c] = id
					b.outIDs = append(b.outIDs, m.pieceToID(c))
				}
			}
			k += l
		}
	}
	for c, id := range pseudo {
		entries = append(entries, unigram.Entry{Key: c, Value: id})
	}
	b.splitWords = b.splitWords && !b.hasUnused
	t, err := unigram.BuildTrie(entries)
	if err != nil {
		return nil, err
	}
	b.trie = t
	for c := range b.ascii {
		b.ascii[c] = t.Lookup(string(rune(c)))
	}
	// Every split of a piece into two formable symbols is a merge into it.
	mergeID := func(s string) int32 {
		if id, ok := m.pieceIDs[s]; ok {
			return id
		}
		if id, ok := pseudo[s]; ok {
			return id
		}
		return -1
	}
	var keys []uint64
	var vals []int32
	for _, e := range entries[:len(entries)-len(pseudo)] {
		for k := clippedCharLen(e.Key[0], len(e.Key)); k < len(e.Key); k += clippedCharLen(e.Key[k], len(e.Key)-k) {
			l, r := mergeID(e.Key[:k]), mergeID(e.Key[k:])
			if l >= 0 && r >= 0 {
				keys = append(keys, pairKey(l, r))
				vals = append(vals, e.Value)
			}
		}
	}
	b.pairs = newPairTable(len(keys))
	for i, k := range keys {
		b.pairs.put(k, vals[i])
	}
	return b, nil
}

// initialSymbols splits norm[begin:end] into characters and user-defined
// symbols.
func (b *bpe) initialSymbols(sc *scratch, norm string, begin, end int) []bpeSymbol {
	syms := sc.syms[:0]
	matcher := b.m.matcher
	nodes := b.trie.Nodes
	for i := begin; i < end; {
		c := norm[i]
		var l int
		frozen := false
		mid := int32(-1)
		if matcher != nil && matcher.first[c] {
			l, frozen = matcher.match(norm[i:end])
		} else {
			l = clippedCharLen(c, end-i)
		}
		if c < 0x80 && l == 1 {
			mid = b.ascii[c]
		} else {
			// Walk the trie over the symbol's bytes.
			s := int32(0)
			for k := i; k < i+l; k++ {
				next := nodes[s].Base + int32(norm[k])
				if uint(next) >= uint(len(nodes)) || nodes[next].Check != s {
					s = -1
					break
				}
				s = next
			}
			if s >= 0 {
				mid = nodes[s].Value
			}
		}
		n := int32(len(syms))
		syms = append(syms, bpeSymbol{begin: int32(i), end: int32(i + l), prev: n - 1, next: n + 1, mid: mid, frozen: frozen})
		i += l
	}
	syms[len(syms)-1].next = -1
	return syms
}

func (b *bpe) segment(sc *scratch, norm string) {
	if !b.splitWords {
		b.mergeRange(sc, norm, 0, len(norm))
		return
	}
	for begin := 0; begin < len(norm); {
		// A word: leading whitespace, then everything up to the next.
		p := begin
		for strings.HasPrefix(norm[p:], b.space) {
			p += len(b.space)
		}
		end := len(norm)
		if i := strings.Index(norm[p:], b.space); i >= 0 {
			end = p + i
		}
		b.encodeWord(sc, norm, begin, end)
		begin = end
	}
}

// maxCachedWords bounds the word cache of one scratch; it is emptied when full.
const maxCachedWords = 1 << 15

// encodeWord appends the pieces of the word norm[begin:end], from the cache
// when the word was seen before.
func (b *bpe) encodeWord(sc *scratch, norm string, begin, end int) {
	word := norm[begin:end]
	if ref, ok := sc.wordCache[word]; ok {
		for _, s := range sc.cachedSpans[ref.first : ref.first+ref.n] {
			sc.spans = append(sc.spans, span{begin: s.begin + int32(begin), end: s.end + int32(begin), id: s.id})
		}
		return
	}
	first := len(sc.spans)
	b.mergeRange(sc, norm, begin, end)
	if sc.wordCache == nil || len(sc.wordCache) >= maxCachedWords {
		sc.wordCache = make(map[string]cachedWord, 1024)
		sc.cachedSpans = sc.cachedSpans[:0]
	}
	ref := cachedWord{first: int32(len(sc.cachedSpans)), n: int32(len(sc.spans) - first)}
	for _, s := range sc.spans[first:] {
		sc.cachedSpans = append(sc.cachedSpans, span{begin: s.begin - int32(begin), end: s.end - int32(begin), id: s.id})
	}
	sc.wordCache[strings.Clone(word)] = ref
}

// cachedWord locates a word's pieces in scratch.cachedSpans.
type cachedWord struct {
	first, n int32
}

// mergeRange merges the characters of norm[begin:end] and appends the pieces.
func (b *bpe) mergeRange(sc *scratch, norm string, begin, end int) {
	syms := b.initialSymbols(sc, norm, begin, end)
	var revMerge map[string][2]string
	if b.hasUnused {
		revMerge = map[string][2]string{}
	}
	b.merge(sc, norm, syms, revMerge)
	sc.syms = syms
}

// merge applies merges to the linked symbols until none is possible and
// appends the resulting pieces.
func (b *bpe) merge(sc *scratch, norm string, syms []bpeSymbol, revMerge map[string][2]string) {
	h := sc.heap[:0]
	for i := int32(1); i < int32(len(syms)); i++ {
		if p, ok := b.pair(norm, syms, i-1, i, revMerge); ok {
			h.push(p)
		}
	}
	for len(h) > 0 {
		top := h.pop()
		sl, sr := &syms[top.left], &syms[top.right]
		if sl.begin == sl.end || sr.begin == sr.end || (sl.end-sl.begin)+(sr.end-sr.begin) != top.size {
			continue // stale: one side has changed since the pair was queued
		}
		sl.end = sr.end
		sl.mid = top.id
		sl.next = sr.next
		if sr.next >= 0 {
			syms[sr.next].prev = top.left
		}
		sr.begin = sr.end
		if p, ok := b.pair(norm, syms, sl.prev, top.left, revMerge); ok {
			h.push(p)
		}
		if p, ok := b.pair(norm, syms, top.left, sl.next, revMerge); ok {
			h.push(p)
		}
	}
	sc.heap = h
	for i := int32(0); i != -1; i = syms[i].next {
		s := &syms[i]
		var id int32
		if s.mid < 0 {
			id = b.m.pieceToID(norm[s.begin:s.end])
		} else {
			id = b.outIDs[s.mid]
		}
		if s.mid >= 0 && s.mid < b.nReal && b.unused[s.mid] && id == s.mid {
			b.resegment(sc, norm, s.begin, s.end, revMerge)
			continue
		}
		sc.spans = append(sc.spans, span{begin: s.begin, end: s.end, id: id})
	}
}

// pair returns the merge of symbols l and r, if they can merge.
func (b *bpe) pair(norm string, syms []bpeSymbol, l, r int32, revMerge map[string][2]string) (bpePair, bool) {
	if l < 0 || r < 0 {
		return bpePair{}, false
	}
	sl, sr := &syms[l], &syms[r]
	if sl.frozen || sr.frozen || sl.mid < 0 || sr.mid < 0 {
		return bpePair{}, false
	}
	id := b.pairs.get(pairKey(sl.mid, sr.mid))
	if id < 0 {
		return bpePair{}, false
	}
	if revMerge != nil && b.unused[id] {
		revMerge[b.m.pieces[id].text] = [2]string{norm[sl.begin:sl.end], norm[sr.begin:sr.end]}
	}
	return bpePair{score: b.m.pieces[id].score, left: l, right: r, size: b.sizes[id], id: id}, true
}

// resegment splits an UNUSED piece back into the two symbols it was merged
// from, recursively.
func (b *bpe) resegment(sc *scratch, norm string, begin, end int32, revMerge map[string][2]string) {
	w := norm[begin:end]
	id := b.m.pieceToID(w)
	if id < 0 || b.m.pieces[id].typ != Unused {
		sc.spans = append(sc.spans, span{begin: begin, end: end, id: id})
		return
	}
	parts, ok := revMerge[w]
	if !ok {
		sc.spans = append(sc.spans, span{begin: begin, end: end, id: id})
		return
	}
	mid := begin + int32(len(parts[0]))
	b.resegment(sc, norm, begin, mid, revMerge)
	b.resegment(sc, norm, mid, end, revMerge)
}
