package hf

import (
	"fmt"
	"iter"
	"sort"
	"unicode/utf8"

	"github.com/mlpipe/pipeline/stages/tokenize/bpe"
)

// BPEOptions controls TrainBPE.
type BPEOptions struct {
	// VocabSize is the size of the vocabulary to reach: special tokens, the
	// byte alphabet and the merged tokens.
	VocabSize int
	// MinFrequency is the fewest occurrences a pair needs to be merged.
	MinFrequency int64
	// Specials are special tokens, given the first ids in this order.
	Specials []string
	// SeenBytesOnly limits the alphabet to the bytes the texts contain, as
	// the reference trainer does by default. Without it every byte has a
	// token, so that any text round-trips.
	SeenBytesOnly bool
}

// TrainBPE learns a byte-level BPE tokenizer (GPT-2 pre-tokenization) from texts.
func TrainBPE(texts iter.Seq[string], opts BPEOptions) (*Tokenizer, error) {
	counts := map[string]int64{}
	var seen [256]bool
	for text := range texts {
		splitGPT2(text, func(w string) { counts[w]++ })
	}
	for w := range counts {
		for i := 0; i < len(w); i++ {
			seen[w[i]] = true
		}
	}
	vocab := append([]string(nil), opts.Specials...)
	if _, err := appendSpecials(nil, opts.Specials); err != nil {
		return nil, err
	}
	var alphabet []string
	for _, c := range byteAlphabet() {
		if !opts.SeenBytesOnly || seen[runeByte[[]rune(c)[0]]] {
			alphabet = append(alphabet, c)
		}
	}
	vocab = append(vocab, alphabet...)
	if opts.VocabSize < len(vocab) {
		return nil, fmt.Errorf("vocab_size %d is below the %d special and byte tokens", opts.VocabSize, len(vocab))
	}
	ids := make(map[string]int32, opts.VocabSize)
	for i, t := range vocab {
		ids[t] = int32(i)
	}
	var byteID [256]int32
	for b := range 256 {
		byteID[b] = -1
		if id, ok := ids[string(byteRune[b])]; ok {
			byteID[b] = id
		}
	}
	// Words in a fixed order, so that training is deterministic.
	keys := make([]string, 0, len(counts))
	for w := range counts {
		keys = append(keys, w)
	}
	sort.Strings(keys)
	words := make([]bpe.Word, len(keys))
	for i, w := range keys {
		syms := make([]int32, len(w))
		for j := 0; j < len(w); j++ {
			syms[j] = byteID[w[j]]
		}
		words[i] = bpe.Word{Syms: syms, Count: counts[w]}
	}
	concat := func(a, b int32) int32 {
		tok := vocab[a] + vocab[b]
		if id, ok := ids[tok]; ok {
			return id
		}
		id := int32(len(vocab))
		vocab = append(vocab, tok)
		ids[tok] = id
		return id
	}
	merges := bpe.Train(words, bpe.TrainOptions{
		MaxMerges:    opts.VocabSize - len(vocab),
		MinFrequency: opts.MinFrequency,
		Concat:       concat,
	})
	pairs := make([][2]string, len(merges))
	for i, m := range merges {
		pairs[i] = [2]string{vocab[m.A], vocab[m.B]}
	}
	return spec{kind: "bpe", specials: opts.Specials, preTokenizer: byteLevelPreJSON, decoder: byteLevelDecJSON,
		model: bpeModelFields(nil), vocab: vocab, merges: pairs}.build()
}

// VocabOptions controls TrainChars and TrainWords.
type VocabOptions struct {
	// VocabSize bounds the vocabulary, special tokens included (0: no bound).
	VocabSize int
	// Specials are special tokens, given the first ids in this order.
	Specials []string
	// Unk is the token that stands for anything outside the vocabulary; it is
	// added to the specials when missing.
	Unk string
}

// topTokens returns the specials then the most frequent tokens (ties in
// byte order) up to the vocabulary bound.
func topTokens(counts map[string]int64, opts VocabOptions) ([]string, []string, error) {
	specials := append([]string(nil), opts.Specials...)
	if opts.Unk == "" {
		return nil, nil, fmt.Errorf("an unknown token is needed")
	}
	hasUnk := false
	for _, s := range specials {
		hasUnk = hasUnk || s == opts.Unk
	}
	if !hasUnk {
		specials = append(specials, opts.Unk)
	}
	vocab, err := appendSpecials(nil, specials)
	if err != nil {
		return nil, nil, err
	}
	toks := make([]string, 0, len(counts))
	for t := range counts {
		toks = append(toks, t)
	}
	sort.Slice(toks, func(i, j int) bool {
		if counts[toks[i]] != counts[toks[j]] {
			return counts[toks[i]] > counts[toks[j]]
		}
		return toks[i] < toks[j]
	})
	inVocab := map[string]bool{}
	for _, s := range vocab {
		inVocab[s] = true
	}
	for _, t := range toks {
		if opts.VocabSize > 0 && len(vocab) >= opts.VocabSize {
			break
		}
		if !inVocab[t] {
			vocab = append(vocab, t)
		}
	}
	return vocab, specials, nil
}

// TrainChars builds the character tokenizer: each character of the texts
// is a token (the most frequent ones when the vocabulary is bounded).
func TrainChars(texts iter.Seq[string], opts VocabOptions) (*Tokenizer, error) {
	counts := map[string]int64{}
	for text := range texts {
		for i, r := range text {
			counts[text[i:i+utf8.RuneLen(r)]]++
		}
	}
	vocab, specials, err := topTokens(counts, opts)
	if err != nil {
		return nil, fmt.Errorf("building the char tokenizer: %w", err)
	}
	return spec{kind: "char", specials: specials, preTokenizer: nil, decoder: map[string]any{"type": "Fuse"},
		model: bpeModelFields(opts.Unk), vocab: vocab, merges: [][2]string{}}.build()
}

// TrainWords builds the whitespace tokenizer: each white-space separated
// word of the texts is a token (the most frequent ones when bounded).
func TrainWords(texts iter.Seq[string], opts VocabOptions) (*Tokenizer, error) {
	counts := map[string]int64{}
	for text := range texts {
		whitespaceSplit{}.split(text, true, func(w string) { counts[w]++ })
	}
	vocab, specials, err := topTokens(counts, opts)
	if err != nil {
		return nil, fmt.Errorf("building the whitespace tokenizer: %w", err)
	}
	return spec{kind: "whitespace", specials: specials, preTokenizer: map[string]any{"type": "WhitespaceSplit"},
		model: map[string]any{"type": "WordLevel", "unk_token": opts.Unk}, vocab: vocab}.build()
}
