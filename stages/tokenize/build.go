package tokenize

import (
	"fmt"
	"iter"

	"github.com/mlpipe/pipeline/stages/tokenize/hf"
)

// Types of tokenizer that New builds.
const (
	TypeByte       = "byte"
	TypeWhitespace = "whitespace"
	TypeChar       = "char"
	TypeBPE        = "bpe"
)

// Options describes a tokenizer to build or train.
type Options struct {
	// Type is TypeByte, TypeWhitespace, TypeChar or TypeBPE.
	Type string
	// VocabSize is the vocabulary to reach (bpe: required) or the bound on
	// it (whitespace, char: 0 means every word or character seen).
	VocabSize int
	// MinFrequency is the fewest occurrences a BPE pair needs to be merged.
	MinFrequency int64
	// Specials are special tokens, such as "<pad>".
	Specials []string
	// Unk stands for words or characters outside the vocabulary (whitespace
	// and char; default "<unk>").
	Unk string
}

// NeedsTraining reports whether a type learns its vocabulary from text.
func NeedsTraining(typ string) bool { return typ != TypeByte }

// New builds a tokenizer of opts.Type, learning its vocabulary from texts
// (ignored for the byte tokenizer). texts may be read once only.
func New(opts Options, texts iter.Seq[string]) (Tokenizer, error) {
	unk := opts.Unk
	if unk == "" {
		unk = "<unk>"
	}
	var t *hf.Tokenizer
	var err error
	switch opts.Type {
	case TypeByte:
		t, err = hf.NewByte(opts.Specials)
	case TypeBPE:
		if opts.VocabSize <= 0 {
			return nil, fmt.Errorf("bpe tokenizer: vocab_size must be positive")
		}
		t, err = hf.TrainBPE(texts, hf.BPEOptions{VocabSize: opts.VocabSize, MinFrequency: opts.MinFrequency, Specials: opts.Specials})
	case TypeChar:
		t, err = hf.TrainChars(texts, hf.VocabOptions{VocabSize: opts.VocabSize, Specials: opts.Specials, Unk: unk})
	case TypeWhitespace:
		t, err = hf.TrainWords(texts, hf.VocabOptions{VocabSize: opts.VocabSize, Specials: opts.Specials, Unk: unk})
	default:
		return nil, fmt.Errorf("unknown tokenizer type %q (want byte, whitespace, char or bpe)", opts.Type)
	}
	if err != nil {
		return nil, err
	}
	return FromHF(t), nil
}
