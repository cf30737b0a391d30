package tokenize

// SpecialAdder is implemented by tokenizers whose Encode adds special tokens
// around each sequence (such as BERT's [CLS] and [SEP]). Shaping encodes
// such sequences bare, truncates them to leave room for the special tokens,
// and adds these to every window, as the reference library does.
type SpecialAdder interface {
	// EncodeBare returns the ids of text without the added special tokens.
	EncodeBare(text string) []int32
	// AddSpecial returns ids with the special tokens added.
	AddSpecial(ids []int32) []int32
	// SpecialCount is how many ids AddSpecial adds.
	SpecialCount() int
}

// EncodeShaped encodes texts on workers goroutines (0: one per CPU) and
// truncates and pads them by shape.
func EncodeShaped(t Tokenizer, texts []string, shape Shape, workers int) []Encoding {
	sa, ok := t.(SpecialAdder)
	if !ok || sa.SpecialCount() == 0 || !shape.Truncate {
		return shape.Apply(EncodeBatch(t, texts, workers))
	}
	bare := EncodeBatch(bareTokenizer{t, sa}, texts, workers)
	inner := shape
	inner.MaxLength = max(shape.MaxLength-sa.SpecialCount(), 1)
	inner.Stride = min(shape.Stride, inner.MaxLength-1)
	inner.Pad = NoPadding
	cut := inner.Apply(bare)
	full := make([][]int32, 0, len(cut))
	windows := make([]int, len(cut))
	for i, e := range cut {
		full = append(full, sa.AddSpecial(e.IDs))
		for _, o := range e.Overflowing {
			full = append(full, sa.AddSpecial(o.IDs))
		}
		windows[i] = 1 + len(e.Overflowing)
	}
	outer := shape
	outer.Truncate = false
	padded := outer.Apply(full)
	out := make([]Encoding, len(cut))
	k := 0
	for i, n := range windows {
		out[i] = padded[k]
		out[i].Overflowing = append([]Encoding(nil), padded[k+1:k+n]...)
		if len(out[i].Overflowing) == 0 {
			out[i].Overflowing = nil
		}
		k += n
	}
	return out
}

// bareTokenizer encodes without the special tokens, for EncodeBatch.
type bareTokenizer struct {
	Tokenizer
	sa SpecialAdder
}

// Encode implements Tokenizer.
func (b bareTokenizer) Encode(text string) []int32 { return b.sa.EncodeBare(text) }

func (b bareTokenizer) newWorker() func(string) []int32 {
	if h, ok := b.Tokenizer.(hfTokenizer); ok {
		return h.NewEncoder().EncodeBare
	}
	return b.Encode
}
