package tokenize

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mlpipe/pipeline/stages/tokenize/hf"
)

// Format is a tokenizer file format.
type Format string

// Formats Load recognises.
const (
	FormatHF            Format = "tokenizer.json"
	FormatSentencePiece Format = "sentencepiece"
)

// DetectFormat tells a tokenizer file's format from its first bytes: JSON
// is a Hugging Face tokenizer.json; a .model file starting with a protobuf
// field is a SentencePiece model.
func DetectFormat(path string, head []byte) (Format, error) {
	trimmed := bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case len(trimmed) > 0 && trimmed[0] == '{':
		return FormatHF, nil
	case strings.EqualFold(filepath.Ext(path), ".model") && len(head) > 0 && head[0] == 0x0A:
		return FormatSentencePiece, nil
	}
	return "", fmt.Errorf("%s is neither a Hugging Face tokenizer.json nor a SentencePiece .model file", path)
}

// loaders read the formats other than tokenizer.json; SentencePiece
// registers itself here when it is built in.
var loaders = map[Format]func(path string) (Tokenizer, error){}

// Load reads a tokenizer file, detecting its format.
func Load(path string) (Tokenizer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening tokenizer: %w", err)
	}
	head := make([]byte, 64)
	n, err := io.ReadFull(f, head)
	f.Close()
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, fmt.Errorf("reading tokenizer %s: %w", path, err)
	}
	format, err := DetectFormat(path, head[:n])
	if err != nil {
		return nil, err
	}
	if format == FormatHF {
		t, err := hf.LoadFile(path)
		if err != nil {
			return nil, err
		}
		return FromHF(t), nil
	}
	load, ok := loaders[format]
	if !ok {
		return nil, fmt.Errorf("loading tokenizer %s: %s models are not supported in this build", path, format)
	}
	return load(path)
}

// FromHF adapts a tokenizer.json pipeline to Tokenizer.
func FromHF(t *hf.Tokenizer) Tokenizer { return hfTokenizer{t} }

type hfTokenizer struct{ *hf.Tokenizer }

// SpecialTokens implements Tokenizer.
func (t hfTokenizer) SpecialTokens() []SpecialToken {
	toks, ids := t.Special()
	out := make([]SpecialToken, len(toks))
	for i := range toks {
		out[i] = SpecialToken{Token: toks[i], ID: ids[i]}
	}
	return out
}

func (t hfTokenizer) newWorker() func(string) []int32 { return t.NewEncoder().Encode }
