package models

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// Net builds the graphs of one model.
type Net struct {
	// Config is the architecture.
	Config Config
	// DType is the compute dtype; parameters stay float32 and are cast to it,
	// and logits come back as float32.
	DType dtypes.DType
	// LoRA, when set, adds the adapters found in the weights to the layers it targets.
	LoRA *LoRA
}

// PerToken reports whether the model predicts every position (a language model).
func (n Net) PerToken() bool { return !n.Config.IsClassifier() }

// Forward returns float32 logits: [B, NumClasses] for a classifier, [B, T,
// VocabSize] for a language model. ids is [B, T] int32; mask is [B, T] (1 for
// real tokens, 0 for padding). rng is nil when evaluating; when training it is
// the RNG state dropout draws from, and the advanced state is returned.
func (n Net) Forward(w Weights, ids, mask, rng *Node) (logits, newRNG *Node) {
	dt := n.DType
	if dt == dtypes.InvalidDType {
		dt = dtypes.Float32
	}
	b := &builder{w: w, dtype: dt, rng: rng, dropout: n.Config.Dropout, lora: n.LoRA}
	c := n.Config
	seq := ids.Shape().Dimensions[1]
	if seq > c.SeqLen {
		panic(fmt.Sprintf("models: batch of %d tokens per row is longer than the model's seq_len %d", seq, c.SeqLen))
	}
	x := b.embed("embed", ids)
	if c.Type == BagOfTokens {
		h := b.drop(maskedMean(x, mask))
		h = b.drop(graph.MaxScalar(b.dense("hidden", h), 0))
		return graph.ConvertDType(b.dense("head", h), dtypes.Float32), b.rng
	}
	pos := b.param("pos")
	if seq < c.SeqLen {
		pos = graph.Slice(pos, graph.AxisRange(0, seq))
	}
	x = b.drop(graph.Add(x, graph.ExpandAxes(pos, 0)))
	var bias *Node
	if c.Type == TransformerLM {
		bias = graph.Add(causalBias(ids.Graph(), seq), paddingBias(mask))
	} else {
		bias = paddingBias(mask)
	}
	for l := range c.Layers {
		p := fmt.Sprintf("block%d.", l)
		x = graph.Add(x, b.drop(b.attention(p+"attn", b.layerNorm(p+"ln1", x), bias, c.Heads)))
		h := gelu(b.dense(p+"ff.in", b.layerNorm(p+"ln2", x)))
		x = graph.Add(x, b.drop(b.dense(p+"ff.out", h)))
	}
	x = b.layerNorm("ln_f", x)
	if c.Type == TransformerClassifier {
		x = maskedMean(x, mask)
	}
	return graph.ConvertDType(b.dense("head", x), dtypes.Float32), b.rng
}

// NLL returns the negative log-likelihood of each target under float32
// logits: logits [..., K] and integer targets [...] give [...].
func NLL(logits, targets *Node) *Node {
	k := logits.Shape().Dimensions[logits.Rank()-1]
	logp := graph.LogSoftmax(logits, -1)
	return graph.Neg(graph.ReduceSum(graph.Mul(logp, graph.OneHot(targets, k, logits.DType())), -1))
}

// WeightedLoss returns sum(nll·weight) / max(sum(weight), 1) and sum(weight).
func WeightedLoss(nll, weight *Node) (loss, count *Node) {
	count = graph.ReduceAllSum(weight)
	sum := graph.ReduceAllSum(graph.Mul(nll, weight))
	return graph.Div(sum, graph.MaxScalar(count, 1)), count
}
