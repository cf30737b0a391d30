package hf

// Encoder encodes like its Tokenizer for one goroutine at a time, with a
// word cache of its own: no locks, and no sharing between the goroutines of
// a batch.
type Encoder struct {
	t    *Tokenizer
	word func(w string, dst []int32) []int32
}

// NewEncoder returns an Encoder for t.
func (t *Tokenizer) NewEncoder() *Encoder {
	e := &Encoder{t: t, word: t.model.tokenize}
	if m, ok := t.model.(*bpeModel); ok {
		cache := map[string][]int32{}
		e.word = func(w string, dst []int32) []int32 { return m.tokenizeLocal(w, dst, cache) }
	}
	return e
}

// Encode is Tokenizer.Encode.
func (e *Encoder) Encode(text string) []int32 { return e.t.finish(e.EncodeBare(text)) }

// EncodeBare is Tokenizer.EncodeBare.
func (e *Encoder) EncodeBare(text string) []int32 { return e.t.encode(text, e.word) }
