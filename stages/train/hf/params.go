package hf

import (
	"fmt"

	"github.com/mlpipe/pipeline/stages/train/models"
)

// Parameter names are those of the family's base model (BertModel,
// DistilBertModel, GPT2Model, LlamaModel), plus the head's: lm_head.weight
// for an untied decoder, and a classifier's names as the family's
// ForSequenceClassification class has them.

// weight returns the spec of a matrix, initialised as transformers
// initialises new heads (normal, std 0.02).
func weight(name string, dims ...int) models.ParamSpec {
	return models.ParamSpec{Name: name, Dims: dims, Init: models.Normal, Std: 0.02, Decay: len(dims) > 1}
}

func bias(name string, n int) models.ParamSpec {
	return models.ParamSpec{Name: name, Dims: []int{n}, Init: models.Zeros}
}

func gain(name string, n int) models.ParamSpec {
	return models.ParamSpec{Name: name, Dims: []int{n}, Init: models.Ones}
}

// linearParams are a Linear's weight [out, in] and bias.
func linearParams(module string, in, out int) []models.ParamSpec {
	return []models.ParamSpec{weight(module+".weight", out, in), bias(module+".bias", out)}
}

func normParams(module string, n int) []models.ParamSpec {
	return []models.ParamSpec{gain(module+".weight", n), bias(module+".bias", n)}
}

// BaseParams lists the base model's parameters in a fixed order.
func (c *Config) BaseParams() []models.ParamSpec {
	h, in := c.Hidden, c.Intermediate
	var ps []models.ParamSpec
	add := func(p ...models.ParamSpec) { ps = append(ps, p...) }
	switch c.ModelType {
	case BERT, RoBERTa:
		add(weight("embeddings.word_embeddings.weight", c.VocabSize, h), weight("embeddings.position_embeddings.weight", c.MaxPositions, h))
		if c.TypeVocab > 0 {
			add(weight("embeddings.token_type_embeddings.weight", c.TypeVocab, h))
		}
		add(normParams("embeddings.LayerNorm", h)...)
		for i := range c.Layers {
			p := fmt.Sprintf("encoder.layer.%d.", i)
			for _, m := range []string{"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"} {
				add(linearParams(p+m, h, h)...)
			}
			add(normParams(p+"attention.output.LayerNorm", h)...)
			add(linearParams(p+"intermediate.dense", h, in)...)
			add(linearParams(p+"output.dense", in, h)...)
			add(normParams(p+"output.LayerNorm", h)...)
		}
	case DistilBERT:
		add(weight("embeddings.word_embeddings.weight", c.VocabSize, h), weight("embeddings.position_embeddings.weight", c.MaxPositions, h))
		add(normParams("embeddings.LayerNorm", h)...)
		for i := range c.Layers {
			p := fmt.Sprintf("transformer.layer.%d.", i)
			for _, m := range []string{"q_lin", "k_lin", "v_lin", "out_lin"} {
				add(linearParams(p+"attention."+m, h, h)...)
			}
			add(normParams(p+"sa_layer_norm", h)...)
			add(linearParams(p+"ffn.lin1", h, in)...)
			add(linearParams(p+"ffn.lin2", in, h)...)
			add(normParams(p+"output_layer_norm", h)...)
		}
	case GPT2:
		add(weight("wte.weight", c.VocabSize, h), weight("wpe.weight", c.MaxPositions, h))
		for i := range c.Layers {
			p := fmt.Sprintf("h.%d.", i)
			add(normParams(p+"ln_1", h)...)
			add(weight(p+"attn.c_attn.weight", h, 3*h), bias(p+"attn.c_attn.bias", 3*h))
			add(weight(p+"attn.c_proj.weight", h, h), bias(p+"attn.c_proj.bias", h))
			add(normParams(p+"ln_2", h)...)
			add(weight(p+"mlp.c_fc.weight", h, in), bias(p+"mlp.c_fc.bias", in))
			add(weight(p+"mlp.c_proj.weight", in, h), bias(p+"mlp.c_proj.bias", h))
		}
		add(normParams("ln_f", h)...)
	case Llama:
		q, kv := c.Heads*c.HeadDim, c.KVHeads*c.HeadDim
		add(weight("embed_tokens.weight", c.VocabSize, h))
		for i := range c.Layers {
			p := fmt.Sprintf("layers.%d.", i)
			add(gain(p+"input_layernorm.weight", h))
			add(weight(p+"self_attn.q_proj.weight", q, h), weight(p+"self_attn.k_proj.weight", kv, h),
				weight(p+"self_attn.v_proj.weight", kv, h), weight(p+"self_attn.o_proj.weight", h, q))
			add(gain(p+"post_attention_layernorm.weight", h))
			add(weight(p+"mlp.gate_proj.weight", in, h), weight(p+"mlp.up_proj.weight", in, h), weight(p+"mlp.down_proj.weight", h, in))
		}
		add(gain("norm.weight", h))
	}
	return ps
}

// PoolerParams are BERT's and RoBERTa's pooler: optional in a checkpoint,
// used by the BERT classification head.
func (c *Config) PoolerParams() []models.ParamSpec {
	if c.ModelType != BERT && c.ModelType != RoBERTa {
		return nil
	}
	return linearParams("pooler.dense", c.Hidden, c.Hidden)
}

// LMHeadParams is the untied language-model head of a decoder; nil when the
// head reuses the token embeddings.
func (c *Config) LMHeadParams() []models.ParamSpec {
	if c.Family() != FamilyDecoder || c.TieEmbeddings {
		return nil
	}
	return []models.ParamSpec{weight(lmHead, c.VocabSize, c.Hidden)}
}

// lmHead is the untied language-model head's weight.
const lmHead = "lm_head.weight"

// ClassifierParams are the sequence-classification head of pooling p for
// n classes, named as the family's ForSequenceClassification names them.
func (c *Config) ClassifierParams(p Pooling, n int) []models.ParamSpec {
	h := c.Hidden
	if p == PoolMean {
		return linearParams("classifier", h, n)
	}
	switch c.ModelType {
	case BERT:
		return append(c.PoolerParams(), linearParams("classifier", h, n)...)
	case RoBERTa:
		return append(linearParams("classifier.dense", h, h), linearParams("classifier.out_proj", h, n)...)
	case DistilBERT:
		return append(linearParams("pre_classifier", h, h), linearParams("classifier", h, n)...)
	}
	return nil
}

// tokenEmbeddings names the token-embedding matrix of c's family.
func (c *Config) tokenEmbeddings() string {
	switch c.ModelType {
	case GPT2:
		return "wte.weight"
	case Llama:
		return "embed_tokens.weight"
	}
	return "embeddings.word_embeddings.weight"
}
