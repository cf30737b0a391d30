package models

import (
	"math"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// Node is a GoMLX graph node.
type Node = graph.Node

// Weights maps parameter names to graph nodes holding their float32 values.
type Weights map[string]*Node

// builder carries what the layers of one forward pass share.
type builder struct {
	w       Weights
	dtype   dtypes.DType
	rng     *Node // nil when not training
	dropout float64
	lora    *LoRA
}

// param returns a parameter in the compute dtype.
func (b *builder) param(name string) *Node {
	p, ok := b.w[name]
	if !ok {
		panic("models: missing parameter " + name)
	}
	if p.DType() != b.dtype {
		p = graph.ConvertDType(p, b.dtype)
	}
	return p
}

// dense applies x·W + b over x's last axis, plus the LoRA update
// (alpha/rank)·(x·A)·B when the layer has adapters.
func (b *builder) dense(name string, x *Node) *Node {
	w := b.param(name + ".w")
	y := graph.DotGeneral(x, []int{x.Rank() - 1}, nil, w, []int{0}, nil)
	if _, ok := b.w[name+".lora_a"]; ok && b.lora != nil {
		a, bb := b.param(name+".lora_a"), b.param(name+".lora_b")
		xa := graph.DotGeneral(x, []int{x.Rank() - 1}, nil, a, []int{0}, nil)
		up := graph.DotGeneral(xa, []int{xa.Rank() - 1}, nil, bb, []int{0}, nil)
		y = graph.Add(y, graph.MulScalar(up, b.lora.Scale()))
	}
	return graph.Add(y, lastAxis(b.param(name+".b"), y.Rank()))
}

// lastAxis reshapes a vector to rank dims [1, ..., 1, n] so it broadcasts
// over the last axis of a rank-rank tensor.
func lastAxis(v *Node, rank int) *Node {
	dims := make([]int, rank)
	for i := range dims {
		dims[i] = 1
	}
	dims[rank-1] = v.Shape().Dimensions[0]
	return graph.Reshape(v, dims...)
}

// layerNorm normalises x over its last axis.
func (b *builder) layerNorm(name string, x *Node) *Node {
	axis := x.Rank() - 1
	mean := graph.ReduceAndKeep(x, graph.ReduceMean, axis)
	c := graph.Sub(x, mean)
	variance := graph.ReduceAndKeep(graph.Square(c), graph.ReduceMean, axis)
	n := graph.Div(c, graph.Sqrt(graph.AddScalar(variance, 1e-5)))
	return graph.Add(graph.Mul(n, lastAxis(b.param(name+".g"), n.Rank())), lastAxis(b.param(name+".b"), n.Rank()))
}

// drop applies inverted dropout while training.
func (b *builder) drop(x *Node) *Node {
	if b.rng == nil || b.dropout <= 0 {
		return x
	}
	var u *Node
	b.rng, u = graph.RandomUniform(b.rng, shapes.Make(dtypes.Float32, x.Shape().Dimensions...))
	keep := graph.GreaterOrEqual(u, graph.Scalar(x.Graph(), dtypes.Float32, b.dropout))
	return graph.Where(keep, graph.MulScalar(x, 1/(1-b.dropout)), graph.ZerosLike(x))
}

// gelu is the tanh approximation of GELU.
func gelu(x *Node) *Node {
	inner := graph.MulScalar(graph.Add(x, graph.MulScalar(graph.Mul(x, graph.Square(x)), 0.044715)), math.Sqrt(2/math.Pi))
	return graph.Mul(graph.MulScalar(x, 0.5), graph.AddScalar(graph.Tanh(inner), 1))
}

// embed looks ids [B,T] up in the table [V,D].
func (b *builder) embed(name string, ids *Node) *Node {
	return graph.Gather(b.param(name), graph.ExpandAxes(ids, -1))
}

// maskedMean averages x [B,T,D] over the tokens where mask [B,T] is 1.
func maskedMean(x, mask *Node) *Node {
	m := graph.ExpandAxes(graph.ConvertDType(mask, x.DType()), -1)
	sum := graph.ReduceSum(graph.Mul(x, m), 1)
	count := graph.MaxScalar(graph.ReduceSum(m, 1), 1)
	return graph.Div(sum, count)
}

// attention is multi-head scaled dot-product self-attention. bias [B or 1, 1,
// T or 1, T] is added to the logits (0 where attending is allowed, a large
// negative number where not). The logits are scaled once, by 1/sqrt(head width).
func (b *builder) attention(prefix string, x, bias *Node, heads int) *Node {
	batch, seq, d := x.Shape().Dimensions[0], x.Shape().Dimensions[1], x.Shape().Dimensions[2]
	dh := d / heads
	split := func(n *Node) *Node { return graph.Reshape(n, batch, seq, heads, dh) }
	q := split(b.dense(prefix+".q", x))
	k := split(b.dense(prefix+".k", x))
	v := split(b.dense(prefix+".v", x))
	logits := graph.Einsum("bqhd,bkhd->bhqk", q, k)
	logits = graph.MulScalar(logits, 1/math.Sqrt(float64(dh)))
	logits = graph.Add(logits, graph.ConvertDType(bias, logits.DType()))
	probs := graph.Softmax(logits, -1)
	probs = b.drop(probs)
	out := graph.Einsum("bhqk,bkhd->bqhd", probs, v)
	return b.dense(prefix+".o", graph.Reshape(out, batch, seq, d))
}

// paddingBias turns mask [B,T] into attention-logit bias [B,1,1,T].
func paddingBias(mask *Node) *Node {
	batch, seq := mask.Shape().Dimensions[0], mask.Shape().Dimensions[1]
	m := graph.ConvertDType(mask, dtypes.Float32)
	return graph.Reshape(graph.MulScalar(graph.OneMinus(m), -1e9), batch, 1, 1, seq)
}

// causalBias is the attention-logit bias [1,1,T,T] that hides later positions.
func causalBias(g *graph.Graph, seq int) *Node {
	tri := graph.ConvertDType(graph.LowerTriangular(g, seq), dtypes.Float32)
	return graph.Reshape(graph.MulScalar(graph.OneMinus(tri), -1e9), 1, 1, seq, seq)
}
