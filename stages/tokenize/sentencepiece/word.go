package sentencepiece

// wordSegmenter segments a WORD model: each whitespace-led word is one piece
// (or unknown).
type wordSegmenter struct{ m *Model }

func (w wordSegmenter) segment(sc *scratch, norm string) {
	begin := 0
	for i := 0; i < len(norm); {
		l := clippedCharLen(norm[i], len(norm)-i)
		if i > 0 && norm[i:i+l] == spaceSymbol {
			sc.spans = append(sc.spans, span{begin: int32(begin), end: int32(i), id: w.m.pieceToID(norm[begin:i])})
			begin = i
		}
		i += l
	}
	sc.spans = append(sc.spans, span{begin: int32(begin), end: int32(len(norm)), id: w.m.pieceToID(norm[begin:])})
}
