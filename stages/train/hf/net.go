package hf

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"

	"github.com/mlpipe/pipeline/stages/train/models"
)

// Pooling says how an encoder classifier turns token states into one vector.
type Pooling string

// Poolings.
const (
	// PoolCLS is the family's own sequence-classification head on the first
	// token (BERT: pooler + tanh; RoBERTa: dense + tanh + out_proj;
	// DistilBERT: pre_classifier + ReLU), so transformers' ForSequenceClassification
	// loads the exported model as it is.
	PoolCLS Pooling = "cls"
	// PoolMean is a linear classifier on the mask-weighted mean of the token
	// states, as sentence-transformers pools.
	PoolMean Pooling = "mean"
)

// Output says what a Net's forward pass returns.
type Output int

// Outputs.
const (
	// Logits of a classifier [B, classes] or a language model [B, T, V].
	Logits Output = iota
	// Hidden is the last hidden state [B, T, H].
	Hidden
	// Embedding is the L2-normalised mean-pooled hidden state [B, H].
	Embedding
)

// Net is the forward pass of a Hugging Face architecture with an optional
// head. It implements the train engine's network contract.
type Net struct {
	// Config is the architecture.
	Config *Config
	// Classes is the number of classes of a classification head; 0 for a
	// language model or a bare encoder.
	Classes int
	// Pooling is the classification head's pooling.
	Pooling Pooling
	// Output is what Forward returns.
	Output Output
	// DType is the compute dtype (float32 when unset); logits come back float32.
	DType dtypes.DType
	// Dropout is the hidden and attention dropout while training.
	Dropout float64
	// LoRA, when set, adds the adapters found among the weights.
	LoRA *LoRA
}

// PerToken reports whether the net predicts every position (a language model).
func (n Net) PerToken() bool { return n.Classes == 0 && n.Output == Logits }

// Params lists every parameter the net reads, base model first.
func (n Net) Params() []models.ParamSpec {
	c := n.Config
	ps := c.BaseParams()
	switch {
	case n.Classes > 0:
		ps = append(ps, c.ClassifierParams(n.Pooling, n.Classes)...)
	case c.Family() == FamilyDecoder:
		ps = append(ps, c.LMHeadParams()...)
	}
	return ps
}

// Forward returns what n.Output names, float32. ids is [B, T] int32, mask [B,
// T] (1 for real tokens). rng is nil when evaluating; while training it is
// the dropout RNG state and the advanced state is returned.
func (n Net) Forward(w models.Weights, ids, mask, rng *Node) (*Node, *Node) {
	dt := n.DType
	if dt == dtypes.InvalidDType {
		dt = dtypes.Float32
	}
	l := &layers{w: w, dtype: dt, rng: rng, dropout: n.Dropout, lora: n.LoRA}
	c := n.Config
	if seq := ids.Shape().Dimensions[1]; seq > c.MaxSeqLen() {
		panic(fmt.Sprintf("hf: %d tokens per row is more than the model's %d positions", seq, c.MaxSeqLen()))
	}
	var x *Node
	switch c.ModelType {
	case BERT, RoBERTa, DistilBERT:
		x = n.encoder(l, ids, mask)
	case GPT2:
		x = n.gpt2(l, ids, mask)
	case Llama:
		x = n.llama(l, ids, mask)
	}
	var out *Node
	switch {
	case n.Output == Hidden:
		out = x
	case n.Output == Embedding:
		out = normalize(maskedMean(graph.ConvertDType(x, dtypes.Float32), mask))
	case n.Classes > 0:
		out = n.classify(l, x, mask)
	default:
		out = n.lmHead(l, x)
	}
	return graph.ConvertDType(out, dtypes.Float32), l.rng
}

// encoder is BERT, RoBERTa and DistilBERT: embeddings, then post-norm blocks.
func (n Net) encoder(l *layers, ids, mask *Node) *Node {
	c := n.Config
	x := l.embed("embeddings.word_embeddings.weight", ids)
	x = graph.Add(x, l.embed("embeddings.position_embeddings.weight", n.positions(ids)))
	if c.TypeVocab > 0 {
		row := pick(l.param("embeddings.token_type_embeddings.weight"), 0, 0) // every token is of type 0
		x = graph.Add(x, graph.Reshape(row, 1, 1, c.Hidden))
	}
	x = l.drop(l.layerNorm("embeddings.LayerNorm", x, c.NormEps), n.Dropout)
	bias := maskBias(mask)
	for i := range c.Layers {
		var q, k, v, o, ln1, ff1, ff2, ln2 string
		if c.ModelType == DistilBERT {
			p := fmt.Sprintf("transformer.layer.%d.", i)
			q, k, v, o = p+"attention.q_lin", p+"attention.k_lin", p+"attention.v_lin", p+"attention.out_lin"
			ln1, ff1, ff2, ln2 = p+"sa_layer_norm", p+"ffn.lin1", p+"ffn.lin2", p+"output_layer_norm"
		} else {
			p := fmt.Sprintf("encoder.layer.%d.", i)
			q, k, v, o = p+"attention.self.query", p+"attention.self.key", p+"attention.self.value", p+"attention.output.dense"
			ln1, ff1, ff2, ln2 = p+"attention.output.LayerNorm", p+"intermediate.dense", p+"output.dense", p+"output.LayerNorm"
		}
		a := l.attend(heads(l.linear(q, x, true), c.Heads), heads(l.linear(k, x, true), c.Heads), heads(l.linear(v, x, true), c.Heads), bias, n.Dropout)
		x = l.layerNorm(ln1, graph.Add(x, l.drop(l.linear(o, a, true), n.Dropout)), c.NormEps)
		h := l.linear(ff2, activate(c.Activation, l.linear(ff1, x, true)), true)
		x = l.layerNorm(ln2, graph.Add(x, l.drop(h, n.Dropout)), c.NormEps)
	}
	return x
}

// positions returns the position ids [B, T]: 0..T-1, or for RoBERTa pad+1
// onwards counting only non-pad tokens, with pad tokens at the pad id.
func (n Net) positions(ids *Node) *Node {
	g, batch, seq := ids.Graph(), ids.Shape().Dimensions[0], ids.Shape().Dimensions[1]
	if n.Config.ModelType != RoBERTa {
		return graph.BroadcastToDims(graph.Iota(g, shapes.Make(dtypes.Int32, 1, seq), 1), batch, seq)
	}
	pad := int32(n.Config.PadID)
	real := graph.ConvertDType(graph.NotEqual(ids, graph.Scalar(g, dtypes.Int32, pad)), dtypes.Float32)
	// count[b, i] = Σ_{j ≤ i} real[b, j], exact in float32 for any sequence a model takes.
	count := graph.DotGeneral(real, []int{1}, nil, graph.ConvertDType(graph.LowerTriangular(g, seq), dtypes.Float32), []int{1}, nil)
	return graph.ConvertDType(graph.AddScalar(graph.Mul(count, real), float64(pad)), dtypes.Int32)
}

// gpt2 is GPT-2: learned positions, pre-norm blocks with fused QKV Conv1D.
func (n Net) gpt2(l *layers, ids, mask *Node) *Node {
	c := n.Config
	seq := ids.Shape().Dimensions[1]
	x := graph.Add(l.embed("wte.weight", ids), l.embed("wpe.weight", n.positions(ids)))
	x = l.drop(x, n.Dropout)
	bias := graph.Add(causalBias(ids.Graph(), seq), maskBias(mask))
	h := c.Hidden
	for i := range c.Layers {
		p := fmt.Sprintf("h.%d.", i)
		qkv := l.conv1D(p+"attn.c_attn", l.layerNorm(p+"ln_1", x, c.NormEps))
		d := qkv.Shape().Dimensions
		qkv = graph.Reshape(qkv, d[0], d[1], 3, h) // [q | k | v] along the last axis
		q, k, v := pick(qkv, 2, 0), pick(qkv, 2, 1), pick(qkv, 2, 2)
		a := l.attend(heads(q, c.Heads), heads(k, c.Heads), heads(v, c.Heads), bias, n.Dropout)
		x = graph.Add(x, l.drop(l.conv1D(p+"attn.c_proj", a), n.Dropout))
		m := l.conv1D(p+"mlp.c_proj", activate(c.Activation, l.conv1D(p+"mlp.c_fc", l.layerNorm(p+"ln_2", x, c.NormEps))))
		x = graph.Add(x, l.drop(m, n.Dropout))
	}
	return l.layerNorm("ln_f", x, c.NormEps)
}

// llama is Llama: RMSNorm, rotary positions, grouped-query attention, SwiGLU.
func (n Net) llama(l *layers, ids, mask *Node) *Node {
	c := n.Config
	seq := ids.Shape().Dimensions[1]
	x := l.embed("embed_tokens.weight", ids)
	bias := graph.Add(causalBias(ids.Graph(), seq), maskBias(mask))
	cos, sin := rotary(ids.Graph(), seq, c.HeadDim, c.RopeTheta, l.dtype)
	for i := range c.Layers {
		p := fmt.Sprintf("layers.%d.", i)
		hn := l.rmsNorm(p+"input_layernorm", x, c.NormEps)
		q := rotate(heads(l.linear(p+"self_attn.q_proj", hn, false), c.Heads), cos, sin)
		k := rotate(heads(l.linear(p+"self_attn.k_proj", hn, false), c.KVHeads), cos, sin)
		v := heads(l.linear(p+"self_attn.v_proj", hn, false), c.KVHeads)
		x = graph.Add(x, l.drop(l.linear(p+"self_attn.o_proj", l.attend(q, k, v, bias, n.Dropout), false), n.Dropout))
		hn = l.rmsNorm(p+"post_attention_layernorm", x, c.NormEps)
		gate := activate(c.Activation, l.linear(p+"mlp.gate_proj", hn, false))
		x = graph.Add(x, l.drop(l.linear(p+"mlp.down_proj", graph.Mul(gate, l.linear(p+"mlp.up_proj", hn, false)), false), n.Dropout))
	}
	return l.rmsNorm("norm", x, c.NormEps)
}

// rotary returns the cos and sin tables [1, T, 1, D] of rotary embeddings for
// positions 0..T-1, with the frequencies laid out as transformers lays them
// (both halves of a head share frequency i).
func rotary(g *graph.Graph, seq, dim int, theta float64, dt dtypes.DType) (cos, sin *Node) {
	half := dim / 2
	freq := make([]float32, dim)
	for i := range half {
		f := float32(1 / math.Pow(theta, float64(2*i)/float64(dim)))
		freq[i], freq[i+half] = f, f
	}
	pos := graph.Iota(g, shapes.Make(dtypes.Float32, seq, dim), 0)
	angles := graph.Mul(pos, graph.ExpandAxes(graph.Const(g, freq), 0))
	shape := func(x *Node) *Node { return graph.ConvertDType(graph.Reshape(x, 1, seq, 1, dim), dt) }
	return shape(graph.Cos(angles)), shape(graph.Sin(angles))
}

// rotate applies rotary embeddings to x [B,T,H,D]: x·cos + rotate_half(x)·sin,
// where rotate_half(x) = [-x₂, x₁] for the halves x₁, x₂ of the head width.
// rotate_half is a product with a signed permutation matrix, so its gradient
// needs no Pad (see pick).
func rotate(x, cos, sin *Node) *Node {
	d := x.Shape().Dimensions[3]
	perm := make([]float32, d*d) // perm[j, i]: rotated[i] = Σ_j x[j]·perm[j, i]
	for i := range d / 2 {
		perm[(i+d/2)*d+i] = -1
		perm[i*d+i+d/2] = 1
	}
	r := graph.ConvertDType(graph.Reshape(graph.Const(x.Graph(), perm), d, d), x.DType())
	rot := graph.DotGeneral(x, []int{3}, nil, r, []int{0}, nil)
	return graph.Add(graph.Mul(x, cos), graph.Mul(rot, sin))
}

// lmHead projects hidden states onto the vocabulary: [B,T,V].
func (n Net) lmHead(l *layers, x *Node) *Node {
	name := lmHead
	if n.Config.TieEmbeddings {
		name = n.Config.tokenEmbeddings()
	}
	return graph.DotGeneral(x, []int{2}, nil, l.param(name), []int{1}, nil)
}

// classify is the sequence-classification head: [B, classes].
func (n Net) classify(l *layers, x, mask *Node) *Node {
	if n.Pooling == PoolMean {
		return l.linear("classifier", l.drop(maskedMean(x, mask), n.Dropout), true)
	}
	h := firstToken(x)
	switch n.Config.ModelType {
	case BERT:
		h = graph.Tanh(l.linear("pooler.dense", h, true))
		return l.linear("classifier", l.drop(h, n.Dropout), true)
	case RoBERTa:
		h = graph.Tanh(l.linear("classifier.dense", l.drop(h, n.Dropout), true))
		return l.linear("classifier.out_proj", l.drop(h, n.Dropout), true)
	case DistilBERT:
		h = graph.MaxScalar(l.linear("pre_classifier", h, true), 0)
		return l.linear("classifier", l.drop(h, n.Dropout), true)
	}
	panic("hf: no classification head for " + n.Config.ModelType)
}
