package sentencepiece

// charSegmenter segments a CHAR model: one piece per character, user-defined
// symbols whole.
type charSegmenter struct{ m *Model }

func (c charSegmenter) segment(sc *scratch, norm string) {
	for i := 0; i < len(norm); {
		l, _ := c.m.matcher.match(norm[i:])
		sc.spans = append(sc.spans, span{begin: int32(i), end: int32(i + l), id: c.m.pieceToID(norm[i : i+l])})
		i += l
	}
}
