// Package models defines the three models the train stage trains — a
// bag-of-tokens classifier, a transformer encoder classifier and a decoder-only
// transformer language model — as parameter lists and GoMLX graph functions.
//
// Parameters are plain named float32 tensors owned by the caller: the models
// hold no state, so a training loop can checkpoint, restore and freeze them
// without going through a GoMLX context.
package models

import (
	"fmt"
	"slices"
)

// Model types.
const (
	BagOfTokens           = "bag_of_tokens"
	TransformerClassifier = "transformer_classifier"
	TransformerLM         = "transformer_lm"
)

// Types lists the model types.
var Types = []string{BagOfTokens, TransformerClassifier, TransformerLM}

// Config describes a model's architecture. It is stored with the model, so its
// JSON form is part of the model artifact.
type Config struct {
	// Type is one of Types.
	Type string `json:"type"`
	// VocabSize is the number of token ids.
	VocabSize int `json:"vocab_size"`
	// DModel is the embedding width.
	DModel int `json:"d_model"`
	// Hidden is the width of the bag-of-tokens MLP's hidden layer.
	Hidden int `json:"hidden,omitempty"`
	// Layers is the number of transformer blocks.
	Layers int `json:"layers,omitempty"`
	// Heads is the number of attention heads.
	Heads int `json:"heads,omitempty"`
	// DFF is the width of a transformer block's feed-forward layer.
	DFF int `json:"d_ff,omitempty"`
	// SeqLen is the longest sequence the model takes (learned positions).
	SeqLen int `json:"seq_len"`
	// Dropout is the drop probability during training.
	Dropout float64 `json:"dropout"`
	// NumClasses is the number of classes of a classifier.
	NumClasses int `json:"num_classes,omitempty"`
}

// IsClassifier reports whether the model predicts one class per sequence.
func (c Config) IsClassifier() bool { return c.Type != TransformerLM }

// IsTransformer reports whether the model has transformer blocks.
func (c Config) IsTransformer() bool { return c.Type != BagOfTokens }

// WithDefaults fills unset sizes with the defaults of the model type.
func (c Config) WithDefaults() Config {
	if c.DModel == 0 {
		c.DModel = 64
	}
	if c.Type == BagOfTokens {
		if c.Hidden == 0 {
			c.Hidden = c.DModel
		}
		return c
	}
	if c.Layers == 0 {
		c.Layers = 2
	}
	if c.Heads == 0 {
		c.Heads = 2
	}
	if c.DFF == 0 {
		c.DFF = 4 * c.DModel
	}
	if c.SeqLen == 0 {
		c.SeqLen = 64
	}
	return c
}

// Validate checks that the sizes make a model.
func (c Config) Validate() error {
	if !slices.Contains(Types, c.Type) {
		return fmt.Errorf("model.type %q: want one of %v", c.Type, Types)
	}
	positive := map[string]int{"vocab_size": c.VocabSize, "d_model": c.DModel, "seq_len": c.SeqLen}
	if c.Type == BagOfTokens {
		positive["hidden"] = c.Hidden
	} else {
		positive["layers"], positive["heads"], positive["d_ff"] = c.Layers, c.Heads, c.DFF
	}
	if c.IsClassifier() {
		positive["num_classes"] = c.NumClasses
	}
	for _, k := range []string{"vocab_size", "d_model", "hidden", "layers", "heads", "d_ff", "seq_len", "num_classes"} {
		if v, ok := positive[k]; ok && v <= 0 {
			return fmt.Errorf("model.%s = %d: must be positive", k, v)
		}
	}
	if c.IsTransformer() && c.DModel%c.Heads != 0 {
		return fmt.Errorf("model.d_model = %d is not divisible by model.heads = %d", c.DModel, c.Heads)
	}
	if c.Dropout < 0 || c.Dropout >= 1 {
		return fmt.Errorf("model.dropout = %g: must be in [0, 1)", c.Dropout)
	}
	return nil
}
