package hf

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"

	"github.com/mlpipe/pipeline/stages/train/models"
)

// Node is a GoMLX graph node.
type Node = graph.Node

// layers carries what the layers of one forward pass share.
type layers struct {
	w       models.Weights
	dtype   dtypes.DType
	rng     *Node // nil when not training
	dropout float64
	lora    *LoRA
}

// param returns a weight in the compute dtype; a missing weight is a bug in
// this package (the loader checked every name against Params).
func (l *layers) param(name string) *Node {
	p, ok := l.w[name]
	if !ok {
		panic(fmt.Sprintf("hf: missing weight %s", name))
	}
	if p.DType() != l.dtype {
		p = graph.ConvertDType(p, l.dtype)
	}
	return p
}

func (l *layers) has(name string) bool { _, ok := l.w[name]; return ok }

// linear applies a PyTorch Linear: x·Wᵀ + b with W [out, in], plus the LoRA
// update when the module has adapters. bias says whether the module has one.
func (l *layers) linear(module string, x *Node, bias bool) *Node {
	y := graph.DotGeneral(x, []int{x.Rank() - 1}, nil, l.param(module+".weight"), []int{1}, nil)
	return l.finish(module, x, y, bias)
}

// conv1D applies GPT-2's Conv1D: x·W + b with W [in, out].
func (l *layers) conv1D(module string, x *Node) *Node {
	y := graph.DotGeneral(x, []int{x.Rank() - 1}, nil, l.param(module+".weight"), []int{0}, nil)
	return l.finish(module, x, y, true)
}

func (l *layers) finish(module string, x, y *Node, bias bool) *Node {
	if l.lora != nil && l.has(module+loraA) {
		a, b := l.param(module+loraA), l.param(module+loraB) // [r, in], [out, r]
		xa := graph.DotGeneral(l.drop(x, l.lora.Dropout), []int{x.Rank() - 1}, nil, a, []int{1}, nil)
		up := graph.DotGeneral(xa, []int{xa.Rank() - 1}, nil, b, []int{1}, nil)
		y = graph.Add(y, graph.MulScalar(up, l.lora.Scale()))
	}
	if bias {
		y = graph.Add(y, lastAxis(l.param(module+".bias"), y.Rank()))
	}
	return y
}

// lastAxis reshapes a vector so it broadcasts over the last axis of a tensor
// of the given rank.
func lastAxis(v *Node, rank int) *Node {
	dims := make([]int, rank)
	for i := range dims {
		dims[i] = 1
	}
	dims[rank-1] = v.Shape().Dimensions[0]
	return graph.Reshape(v, dims...)
}

// layerNorm normalises x over its last axis, in float32.
func (l *layers) layerNorm(module string, x *Node, eps float64) *Node {
	x32 := graph.ConvertDType(x, dtypes.Float32)
	axis := x.Rank() - 1
	c := graph.Sub(x32, graph.ReduceAndKeep(x32, graph.ReduceMean, axis))
	variance := graph.ReduceAndKeep(graph.Square(c), graph.ReduceMean, axis)
	n := graph.ConvertDType(graph.Div(c, graph.Sqrt(graph.AddScalar(variance, eps))), l.dtype) // Rsqrt has no gradient in GoMLX v0.26.0
	return graph.Add(graph.Mul(n, lastAxis(l.param(module+".weight"), n.Rank())), lastAxis(l.param(module+".bias"), n.Rank()))
}

// rmsNorm is Llama's RMSNorm: x·rsqrt(mean(x²)+eps)·weight, in float32.
func (l *layers) rmsNorm(module string, x *Node, eps float64) *Node {
	x32 := graph.ConvertDType(x, dtypes.Float32)
	ms := graph.ReduceAndKeep(graph.Square(x32), graph.ReduceMean, x.Rank()-1)
	n := graph.ConvertDType(graph.Div(x32, graph.Sqrt(graph.AddScalar(ms, eps))), l.dtype)
	return graph.Mul(n, lastAxis(l.param(module+".weight"), n.Rank()))
}

// drop applies inverted dropout with probability p while training.
func (l *layers) drop(x *Node, p float64) *Node {
	if l.rng == nil || p <= 0 {
		return x
	}
	var u *Node
	l.rng, u = graph.RandomUniform(l.rng, shapes.Make(dtypes.Float32, x.Shape().Dimensions...))
	keep := graph.GreaterOrEqual(u, graph.Scalar(x.Graph(), dtypes.Float32, p))
	return graph.Where(keep, graph.MulScalar(x, 1/(1-p)), graph.ZerosLike(x))
}

// activate applies a config's feed-forward activation.
func activate(name string, x *Node) *Node {
	switch name {
	case "gelu":
		return graph.Mul(graph.MulScalar(x, 0.5), graph.AddScalar(graph.Erf(graph.MulScalar(x, 1/math.Sqrt2)), 1))
	case "gelu_new", "gelu_pytorch_tanh":
		inner := graph.MulScalar(graph.Add(x, graph.MulScalar(graph.Mul(x, graph.Square(x)), 0.044715)), math.Sqrt(2/math.Pi))
		return graph.Mul(graph.MulScalar(x, 0.5), graph.AddScalar(graph.Tanh(inner), 1))
	case "relu":
		return graph.MaxScalar(x, 0)
	case "silu":
		return graph.Mul(x, graph.Sigmoid(x))
	}
	panic("hf: activation " + name) // ParseConfig admits only the above
}

// embed looks ids [B,T] up in the table [V,D].
func (l *layers) embed(name string, ids *Node) *Node {
	return graph.Gather(l.param(name), graph.ExpandAxes(ids, -1))
}

// attend is scaled dot-product attention: q [B,T,H,D], k and v [B,T,KV,D]
// with H a multiple of KV (each group of H/KV query heads shares one key and
// value head, as grouped-query attention does), bias [B or 1, 1, T or 1, T]
// added to the logits. Logits and softmax are computed in float32. Returns
// [B,T,H·D].
func (l *layers) attend(q, k, v, bias *Node, dropout float64) *Node {
	dims := q.Shape().Dimensions
	batch, seq, heads, dh := dims[0], dims[1], dims[2], dims[3]
	if kv := k.Shape().Dimensions[2]; kv != heads {
		k, v = repeatHeads(k, heads/kv), repeatHeads(v, heads/kv)
	}
	logits := graph.Einsum("bqhd,bkhd->bhqk", graph.ConvertDType(q, dtypes.Float32), graph.ConvertDType(k, dtypes.Float32))
	logits = graph.Add(graph.MulScalar(logits, 1/math.Sqrt(float64(dh))), bias)
	probs := graph.ConvertDType(graph.Softmax(logits, -1), l.dtype)
	probs = l.drop(probs, dropout)
	out := graph.Einsum("bhqk,bkhd->bqhd", probs, v)
	return graph.Reshape(out, batch, seq, heads*dh)
}

// repeatHeads repeats each head of x [B,T,KV,D] n times: [B,T,KV·n,D].
func repeatHeads(x *Node, n int) *Node {
	d := x.Shape().Dimensions
	x = graph.BroadcastToDims(graph.ExpandAxes(x, 3), d[0], d[1], d[2], n, d[3])
	return graph.Reshape(x, d[0], d[1], d[2]*n, d[3])
}

// heads splits the last axis of x [B,T,H·D] into [B,T,H,D].
func heads(x *Node, h int) *Node {
	d := x.Shape().Dimensions
	return graph.Reshape(x, d[0], d[1], h, d[2]/h)
}

// maskBias is 0 where the key mask [B,T] is 1 and a large negative number
// where it is 0: [B,1,1,T], float32.
func maskBias(mask *Node) *Node {
	d := mask.Shape().Dimensions
	m := graph.ConvertDType(mask, dtypes.Float32)
	return graph.Reshape(graph.MulScalar(graph.OneMinus(m), minLogit), d[0], 1, 1, d[1])
}

// causalBias hides later positions: [1,1,T,T], float32.
func causalBias(g *graph.Graph, seq int) *Node {
	tri := graph.ConvertDType(graph.LowerTriangular(g, seq), dtypes.Float32)
	return graph.Reshape(graph.MulScalar(graph.OneMinus(tri), minLogit), 1, 1, seq, seq)
}

// minLogit is what a hidden position adds to its attention logit: large
// enough that its softmax weight is exactly 0 in float32, small enough that a
// sum of two stays finite.
const minLogit = -1e30

// maskedMean averages x [B,T,D] over the positions where mask [B,T] is 1.
func maskedMean(x, mask *Node) *Node {
	m := graph.ExpandAxes(graph.ConvertDType(mask, x.DType()), -1)
	sum := graph.ReduceSum(graph.Mul(x, m), 1)
	return graph.Div(sum, graph.MaxScalar(graph.ReduceSum(m, 1), 1e-9))
}

// normalize divides each row of x [B,D] by its L2 norm (at least 1e-12, as
// torch.nn.functional.normalize does).
func normalize(x *Node) *Node {
	n := graph.Sqrt(graph.ReduceAndKeep(graph.Square(x), graph.ReduceSum, -1))
	return graph.Div(x, graph.MaxScalar(n, 1e-12))
}

// pick returns index i of x's axis (n long), dropping the axis. It is a
// contraction with a one-hot vector rather than a slice: in GoMLX v0.26.0 a
// slice's gradient is a Pad, which SimpleGo does not implement.
func pick(x *Node, axis, i int) *Node {
	n := x.Shape().Dimensions[axis]
	hot := make([]float32, n)
	hot[i] = 1
	sel := graph.ConvertDType(graph.Const(x.Graph(), hot), x.DType())
	out := graph.DotGeneral(x, []int{axis}, nil, sel, []int{0}, nil)
	return out // the remaining axes keep their order
}

// firstToken returns x[:, 0, :] of x [B,T,D].
func firstToken(x *Node) *Node { return pick(x, 1, 0) }
