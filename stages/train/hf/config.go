// Package hf loads Hugging Face model directories (config.json, safetensors
// weights, tokenizer.json), builds their forward passes as GoMLX graphs, and
// writes trained models back in the same layout, so that transformers and
// peft load what the train stage produced.
//
// Weights keep their Hugging Face names and shapes (PyTorch Linear weights are
// [out, in]; GPT-2's Conv1D weights are [in, out]), so loading and exporting
// never reshuffle a tensor.
package hf

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
)

// ConfigFile is the name of a model directory's configuration.
const ConfigFile = "config.json"

// maxConfigBytes bounds config.json.
const maxConfigBytes = 1 << 20

// Families of supported architectures.
const (
	// FamilyEncoder is a BERT-style bidirectional encoder.
	FamilyEncoder = "encoder"
	// FamilyDecoder is a causal language model.
	FamilyDecoder = "decoder"
)

// Model types read from config.json's model_type.
const (
	BERT       = "bert"
	RoBERTa    = "roberta"
	DistilBERT = "distilbert"
	GPT2       = "gpt2"
	Llama      = "llama"
)

// ModelTypes lists the supported model types.
var ModelTypes = []string{BERT, RoBERTa, DistilBERT, GPT2, Llama}

// Config is the architecture a config.json describes, in the names this
// package uses for every family.
type Config struct {
	// ModelType is config.json's model_type.
	ModelType string
	// VocabSize is the number of token embeddings.
	VocabSize int
	// Hidden is the model width.
	Hidden int
	// Layers is the number of transformer blocks.
	Layers int
	// Heads is the number of query heads; KVHeads the number of key and value
	// heads (equal to Heads except for grouped-query attention).
	Heads, KVHeads int
	// HeadDim is the width of one head.
	HeadDim int
	// Intermediate is the feed-forward width.
	Intermediate int
	// MaxPositions is the longest sequence the position embeddings cover.
	MaxPositions int
	// TypeVocab is the number of token-type embeddings (BERT), 0 when absent.
	TypeVocab int
	// NormEps is the layer-norm or RMS-norm epsilon.
	NormEps float64
	// Activation is the feed-forward activation: gelu (erf), gelu_new (tanh
	// approximation), relu or silu.
	Activation string
	// PadID is the padding token id (-1 when the config names none).
	PadID int
	// RopeTheta is the rotary embeddings' base (Llama).
	RopeTheta float64
	// TieEmbeddings says the language-model head reuses the token embeddings.
	TieEmbeddings bool
	// Raw is config.json as read, kept for export.
	Raw map[string]any
}

// Family returns FamilyEncoder or FamilyDecoder.
func (c *Config) Family() string {
	if c.ModelType == GPT2 || c.ModelType == Llama {
		return FamilyDecoder
	}
	return FamilyEncoder
}

// PositionOffset is the first position id of a RoBERTa-style model (pad id +
// 1), 0 for the others.
func (c *Config) PositionOffset() int {
	if c.ModelType == RoBERTa {
		return c.PadID + 1
	}
	return 0
}

// MaxSeqLen is the longest input the model takes.
func (c *Config) MaxSeqLen() int {
	if c.ModelType == Llama {
		return c.MaxPositions
	}
	return c.MaxPositions - c.PositionOffset()
}

// IsModelDir reports whether dir holds a config.json.
func IsModelDir(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, ConfigFile))
	return err == nil && st.Mode().IsRegular()
}

// ReadConfig reads and checks dir/config.json.
func ReadConfig(dir string) (*Config, error) {
	path := filepath.Join(dir, ConfigFile)
	raw, err := artifacts.ReadFileBounded(path, maxConfigBytes)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s is not a Hugging Face model directory: it has no %s", dir, ConfigFile)
	}
	if err != nil {
		return nil, fmt.Errorf("reading model config: %w", err)
	}
	c, err := ParseConfig(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParseConfig reads a config.json's bytes.
func ParseConfig(raw []byte) (*Config, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if m == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	r := fields{m: m}
	c := &Config{Raw: m, ModelType: r.str("model_type", "")}
	switch c.ModelType {
	case "":
		return nil, fmt.Errorf("model_type is missing (supported: %s)", strings.Join(ModelTypes, ", "))
	case BERT, RoBERTa:
		c.VocabSize, c.Hidden, c.Layers = r.need("vocab_size"), r.need("hidden_size"), r.need("num_hidden_layers")
		c.Heads, c.Intermediate = r.need("num_attention_heads"), r.need("intermediate_size")
		c.MaxPositions, c.TypeVocab = r.int("max_position_embeddings", 512), r.int("type_vocab_size", 2)
		c.NormEps, c.Activation = r.float("layer_norm_eps", 1e-12), r.str("hidden_act", "gelu")
		c.PadID = r.int("pad_token_id", map[string]int{BERT: 0, RoBERTa: 1}[c.ModelType])
		if pe := r.str("position_embedding_type", "absolute"); pe != "absolute" {
			r.fail("position_embedding_type %q: only absolute is supported", pe)
		}
	case DistilBERT:
		c.VocabSize, c.Hidden, c.Layers = r.need("vocab_size"), r.need("dim"), r.need("n_layers")
		c.Heads, c.Intermediate = r.need("n_heads"), r.need("hidden_dim")
		c.MaxPositions, c.NormEps = r.int("max_position_embeddings", 512), 1e-12
		c.Activation, c.PadID = r.str("activation", "gelu"), r.int("pad_token_id", 0)
		if r.bool("sinusoidal_pos_embds", false) {
			r.fail("sinusoidal_pos_embds: true is not supported")
		}
	case GPT2:
		c.VocabSize, c.Hidden, c.Layers = r.need("vocab_size"), r.need("n_embd"), r.need("n_layer")
		c.Heads, c.MaxPositions = r.need("n_head"), r.int("n_positions", 1024)
		c.Intermediate = r.int("n_inner", 0)
		if c.Intermediate == 0 {
			c.Intermediate = 4 * c.Hidden
		}
		c.NormEps, c.Activation = r.float("layer_norm_epsilon", 1e-5), r.str("activation_function", "gelu_new")
		c.PadID, c.TieEmbeddings = r.int("pad_token_id", -1), r.bool("tie_word_embeddings", true)
		if !r.bool("scale_attn_weights", true) || r.bool("scale_attn_by_inverse_layer_idx", false) || r.bool("reorder_and_upcast_attn", false) {
			r.fail("scale_attn_weights: false, scale_attn_by_inverse_layer_idx and reorder_and_upcast_attn are not supported")
		}
	case Llama:
		c.VocabSize, c.Hidden, c.Layers = r.need("vocab_size"), r.need("hidden_size"), r.need("num_hidden_layers")
		c.Heads, c.Intermediate = r.need("num_attention_heads"), r.need("intermediate_size")
		c.KVHeads = r.int("num_key_value_heads", c.Heads)
		c.MaxPositions, c.NormEps = r.int("max_position_embeddings", 2048), r.float("rms_norm_eps", 1e-6)
		c.RopeTheta, c.Activation = r.float("rope_theta", 10000), r.str("hidden_act", "silu")
		c.PadID, c.TieEmbeddings = r.int("pad_token_id", -1), r.bool("tie_word_embeddings", false)
		if c.Heads > 0 {
			c.HeadDim = r.int("head_dim", c.Hidden/c.Heads)
		}
		if v, ok := m["rope_scaling"]; ok && v != nil {
			r.fail("rope_scaling: only null (plain rotary embeddings) is supported")
		}
		if v, ok := m["rope_parameters"]; ok && v != nil { // transformers 5 writes the rotary settings here
			rp, isMap := v.(map[string]any)
			if !isMap {
				r.fail("rope_parameters = %v: want an object", v)
			} else {
				sub := fields{m: rp}
				if t := sub.str("rope_type", "default"); t != "default" {
					r.fail("rope_parameters.rope_type %q: only default (plain rotary embeddings) is supported", t)
				}
				c.RopeTheta = sub.float("rope_theta", c.RopeTheta)
				if sub.err != nil {
					r.fail("rope_parameters.%v", sub.err)
				}
			}
		}
		if r.bool("attention_bias", false) || r.bool("mlp_bias", false) {
			r.fail("attention_bias and mlp_bias: only false is supported")
		}
	default:
		return nil, fmt.Errorf("model_type %q is not supported (supported: %s)", c.ModelType, strings.Join(ModelTypes, ", "))
	}
	if r.err != nil {
		return nil, r.err
	}
	if c.KVHeads == 0 {
		c.KVHeads = c.Heads
	}
	if c.HeadDim == 0 && c.Heads > 0 {
		c.HeadDim = c.Hidden / c.Heads
	}
	return c, c.validate()
}

// Size and shape limits: far above any model a CPU fine-tunes, low enough that
// a hostile config cannot make the loader allocate without bound.
const (
	maxDim    = 1 << 20
	maxLayers = 1024
)

func (c *Config) validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"vocab_size", c.VocabSize}, {"hidden size", c.Hidden}, {"layers", c.Layers}, {"attention heads", c.Heads},
		{"key-value heads", c.KVHeads}, {"intermediate size", c.Intermediate}, {"max_position_embeddings", c.MaxPositions}} {
		if f.v <= 0 {
			return fmt.Errorf("%s of a %s model must be positive, got %d", f.name, c.ModelType, f.v)
		}
		if f.v > maxDim {
			return fmt.Errorf("%s = %d is larger than this loader's limit %d", f.name, f.v, maxDim)
		}
	}
	if c.Layers > maxLayers {
		return fmt.Errorf("%d layers is more than this loader's limit %d", c.Layers, maxLayers)
	}
	if c.ModelType == Llama {
		if c.Heads%c.KVHeads != 0 {
			return fmt.Errorf("num_attention_heads = %d is not a multiple of num_key_value_heads = %d", c.Heads, c.KVHeads)
		}
		if c.HeadDim <= 0 || c.HeadDim%2 != 0 {
			return fmt.Errorf("head_dim = %d: rotary embeddings need a positive even head width", c.HeadDim)
		}
	} else if c.Hidden%c.Heads != 0 {
		return fmt.Errorf("hidden size %d is not divisible by %d attention heads", c.Hidden, c.Heads)
	}
	if !slices.Contains([]string{"gelu", "gelu_new", "gelu_pytorch_tanh", "relu", "silu"}, c.Activation) {
		return fmt.Errorf("activation %q is not supported (supported: gelu, gelu_new, gelu_pytorch_tanh, relu, silu)", c.Activation)
	}
	if c.NormEps <= 0 {
		return fmt.Errorf("normalisation epsilon %g must be positive", c.NormEps)
	}
	if c.PositionOffset() >= c.MaxPositions {
		return fmt.Errorf("pad_token_id %d leaves no positions of max_position_embeddings %d", c.PadID, c.MaxPositions)
	}
	return nil
}

// fields reads typed values out of a decoded JSON object, remembering the
// first error.
type fields struct {
	m   map[string]any
	err error
}

func (r *fields) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
}

// need reads a required integer field.
func (r *fields) need(key string) int {
	if v, ok := r.m[key]; !ok || v == nil {
		r.fail("%s is missing", key)
		return 0
	}
	return r.int(key, 0)
}

// int reads an optional integer field.
func (r *fields) int(key string, def int) int {
	v, ok := r.m[key]
	if !ok || v == nil {
		return def
	}
	f, ok := v.(float64)
	if !ok || f != float64(int64(f)) || f < -1 || f > 1<<40 {
		r.fail("%s = %v: want an integer", key, v)
		return 0
	}
	return int(f)
}

func (r *fields) float(key string, def float64) float64 {
	v, ok := r.m[key]
	if !ok || v == nil {
		return def
	}
	f, ok := v.(float64)
	if !ok {
		r.fail("%s = %v: want a number", key, v)
	}
	return f
}

func (r *fields) str(key, def string) string {
	v, ok := r.m[key]
	if !ok || v == nil {
		return def
	}
	s, ok := v.(string)
	if !ok {
		r.fail("%s = %v: want a string", key, v)
	}
	return s
}

func (r *fields) bool(key string, def bool) bool {
	v, ok := r.m[key]
	if !ok || v == nil {
		return def
	}
	b, ok := v.(bool)
	if !ok {
		r.fail("%s = %v: want true or false", key, v)
	}
	return b
}
