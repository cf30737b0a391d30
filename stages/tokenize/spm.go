package tokenize

import (
	"fmt"
	"io"
	"os"

	"github.com/mlpipe/pipeline/stages/tokenize/sentencepiece"
)

func init() { loaders[FormatSentencePiece] = loadSentencePiece }

// spmTokenizer adapts a SentencePiece model to Tokenizer.
type spmTokenizer struct {
	m    *sentencepiece.Model
	file []byte // the .model bytes, which Save writes back
}

func loadSentencePiece(path string) (Tokenizer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading tokenizer %s: %w", path, err)
	}
	m, err := sentencepiece.Load(path)
	if err != nil {
		return nil, fmt.Errorf("loading SentencePiece model %s: %w", path, err)
	}
	return &spmTokenizer{m: m, file: data}, nil
}

// FromSentencePiece adapts a loaded SentencePiece model; file is its .model
// content, which Save writes.
func FromSentencePiece(m *sentencepiece.Model, file []byte) Tokenizer {
	return &spmTokenizer{m: m, file: file}
}

// Type implements Tokenizer.
func (t *spmTokenizer) Type() string { return "sentencepiece" }

// Encode implements Tokenizer.
func (t *spmTokenizer) Encode(text string) []int32 { return t.m.Encode(text) }

// Decode implements Tokenizer.
func (t *spmTokenizer) Decode(ids []int32) string { return t.m.Decode(ids) }

// VocabSize implements Tokenizer.
func (t *spmTokenizer) VocabSize() int { return t.m.VocabSize() }

// IDToToken implements Tokenizer.
func (t *spmTokenizer) IDToToken(id int32) (string, bool) {
	if id < 0 || int(id) >= t.m.VocabSize() {
		return "", false
	}
	return t.m.IDToPiece(id), true
}

// TokenToID implements Tokenizer.
func (t *spmTokenizer) TokenToID(token string) (int32, bool) { return t.m.PieceToID(token) }

// SpecialTokens lists the unknown, control and user-defined pieces.
func (t *spmTokenizer) SpecialTokens() []SpecialToken {
	var out []SpecialToken
	for id := int32(0); int(id) < t.m.VocabSize(); id++ {
		switch t.m.PieceType(id) {
		case sentencepiece.Unknown, sentencepiece.Control, sentencepiece.UserDefined:
			out = append(out, SpecialToken{Token: t.m.IDToPiece(id), ID: id})
		}
	}
	return out
}

// Save implements Tokenizer.
func (t *spmTokenizer) Save(w io.Writer) error {
	_, err := w.Write(t.file)
	return err
}
