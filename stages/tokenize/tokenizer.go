// Package tokenize turns text into token ids and back. It defines one small
// interface, Tokenizer, implemented by the byte, whitespace, character and
// byte-level BPE tokenizers built here and by tokenizers loaded from files
// (Hugging Face tokenizer.json, SentencePiece .model), plus what works on any
// Tokenizer: parallel batch encoding, padding and truncation, loading with
// format detection, and the `tokenize` stage kind.
package tokenize

import "io"

// Tokenizer encodes text to token ids and decodes ids back to text.
// Implementations are safe for concurrent use.
type Tokenizer interface {
	// Type names the tokenizer's model: "byte", "whitespace", "char", "bpe",
	// "wordpiece", "wordlevel" or "sentencepiece".
	Type() string
	// Encode returns the ids of text, with the special tokens the tokenizer's
	// post-processor adds (as the reference libraries do by default).
	Encode(text string) []int32
	// Decode returns the text of ids; special tokens are kept.
	Decode(ids []int32) string
	// VocabSize is the number of ids, added and special tokens included.
	VocabSize() int
	// IDToToken returns the token (piece) of id, if id is in the vocabulary.
	IDToToken(id int32) (string, bool)
	// TokenToID returns the id of token, if it is in the vocabulary.
	TokenToID(token string) (int32, bool)
	// SpecialTokens lists the special tokens in id order.
	SpecialTokens() []SpecialToken
	// Save writes the tokenizer in its file form: a Hugging Face tokenizer.json,
	// or the SentencePiece model bytes.
	Save(w io.Writer) error
}

// Failer is implemented by tokenizers whose components can give up on some
// text (a regular expression that runs out of time): Err returns the first
// such failure, naming the file and the component, or nil. Encodings made
// after a failure are not to be used.
type Failer interface {
	Err() error
}

// encodeErr returns t's first encoding failure, if t can fail.
func encodeErr(t Tokenizer) error {
	if f, ok := t.(Failer); ok {
		return f.Err()
	}
	return nil
}

// SpecialToken is a token with a fixed id that is never split or merged,
// such as "<|endoftext|>" or "[PAD]".
type SpecialToken struct {
	// Token is the token's text.
	Token string
	// ID is its id.
	ID int32
}

// Pieces returns the token of each id, "" for ids outside the vocabulary.
func Pieces(t Tokenizer, ids []int32) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i], _ = t.IDToToken(id)
	}
	return out
}
