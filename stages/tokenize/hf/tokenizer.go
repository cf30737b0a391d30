// Package hf reads, runs and writes Hugging Face tokenizer.json files: a
// pipeline of normalizer, pre-tokenizer, model (BPE, WordPiece, WordLevel,
// Unigram), post-processor and decoder, plus added and special tokens.
// Components it does not implement are reported as errors naming them.
package hf

import (
	"io"
	"sort"
	"strings"
)

// Tokenizer is a tokenizer.json pipeline.
type Tokenizer struct {
	kind      string
	norm      normalizer   // nil: none
	pre       preTokenizer // nil: none
	model     model
	post      postProcessor // nil: none
	dec       decoder       // nil: tokens are joined with spaces
	added     []addedToken
	rawMatch  *matcher // added tokens matched before normalization
	normMatch *matcher // added tokens matched after normalization
	addedByID map[int32]addedToken
	addedIDs  map[string]int32
	limits    *limits // the file's own truncation and padding; nil: none
	size      int
	file      []byte   // the tokenizer.json this was read from, or built as
	source    string   // the file's path, when read from one
	fail      *failure // the first component failure while encoding
}

// Type names the model: "bpe", "wordpiece", "wordlevel" or "unigram", or the name given
// when the tokenizer was built ("byte", "char", "whitespace").
func (t *Tokenizer) Type() string { return t.kind }

// SetType changes the name Type returns.
func (t *Tokenizer) SetType(kind string) { t.kind = kind }

// Encode returns the ids of text with the post-processor's special tokens,
// truncated and padded as the file's own truncation and padding say.
func (t *Tokenizer) Encode(text string) []int32 {
	return t.finish(t.EncodeBare(text))
}

// finish applies the file's truncation, the post-processor and the file's padding.
func (t *Tokenizer) finish(bare []int32) []int32 {
	if t.limits == nil {
		return t.AddSpecial(bare)
	}
	return t.limits.pad(t.AddSpecial(t.limits.truncate(bare, t.SpecialCount())))
}

// AddSpecial adds the post-processor's special tokens around ids (and
// nothing else: not the file's own truncation or padding).
func (t *Tokenizer) AddSpecial(ids []int32) []int32 {
	if t.post != nil {
		return t.post.process(ids)
	}
	return ids
}

// SpecialCount is how many ids AddSpecial adds.
func (t *Tokenizer) SpecialCount() int {
	if t.post == nil {
		return 0
	}
	return len(t.post.process(nil))
}

// EncodeBare returns the ids of text without the post-processor's special
// tokens, and without the file's own truncation and padding.
func (t *Tokenizer) EncodeBare(text string) []int32 {
	return t.encode(text, t.model.tokenize)
}

// encode runs the pipeline up to the post-processor, tokenizing each word
// with word.
func (t *Tokenizer) encode(text string, word func(w string, dst []int32) []int32) []int32 {
	ids := make([]int32, 0, len(text)/3+1)
	var segs [8]segment
	for si, s := range t.rawMatch.split(text, segs[:0]) {
		if s.id >= 0 {
			ids = append(ids, s.id)
			continue
		}
		norm := s.text
		if t.norm != nil {
			norm = t.norm.normalize(norm)
		}
		var segs2 [8]segment
		for ni, n := range t.normMatch.split(norm, segs2[:0]) {
			if n.id >= 0 {
				ids = append(ids, n.id)
				continue
			}
			if t.pre == nil {
				ids = word(n.text, ids)
				continue
			}
			t.pre.split(n.text, si == 0 && ni == 0, func(w string) { ids = word(w, ids) })
		}
	}
	return ids
}

// Decode returns the text of ids, special tokens kept. Unknown ids are skipped.
func (t *Tokenizer) Decode(ids []int32) string {
	tokens := make([]string, 0, len(ids))
	for _, id := range ids {
		if tok, ok := t.IDToToken(id); ok {
			tokens = append(tokens, tok)
		}
	}
	if t.dec == nil {
		return strings.Join(tokens, " ")
	}
	return strings.Join(t.dec.decodeChain(tokens), "")
}

// VocabSize is one more than the largest id.
func (t *Tokenizer) VocabSize() int { return t.size }

// IDToToken returns the token of id.
func (t *Tokenizer) IDToToken(id int32) (string, bool) {
	if a, ok := t.addedByID[id]; ok {
		return a.Content, true
	}
	return t.model.vocab().token(id)
}

// TokenToID returns the id of token.
func (t *Tokenizer) TokenToID(token string) (int32, bool) {
	if id, ok := t.addedIDs[token]; ok {
		return id, true
	}
	return t.model.vocab().id(token)
}

// Special lists the special added tokens, by id.
func (t *Tokenizer) Special() (tokens []string, ids []int32) {
	var sp []addedToken
	for _, a := range t.added {
		if a.Special {
			sp = append(sp, a)
		}
	}
	sort.Slice(sp, func(i, j int) bool { return sp[i].ID < sp[j].ID })
	for _, a := range sp {
		tokens = append(tokens, a.Content)
		ids = append(ids, a.ID)
	}
	return tokens, ids
}

// Save writes the tokenizer.json.
func (t *Tokenizer) Save(w io.Writer) error {
	_, err := w.Write(t.file)
	return err
}
