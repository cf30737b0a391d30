package models

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"
)

// Init says how a parameter starts.
type Init int

// Initialisations.
const (
	// Zeros fills with 0 (biases, LoRA B).
	Zeros Init = iota
	// Ones fills with 1 (layer-norm gains).
	Ones
	// Normal draws from N(0, Std²).
	Normal
)

// ParamSpec describes one parameter tensor.
type ParamSpec struct {
	// Name is unique within a model, e.g. "block0.attn.q.w".
	Name string
	// Dims is the tensor's shape.
	Dims []int
	// Init and Std say how it starts.
	Init Init
	Std  float64
	// Decay says whether weight decay applies (matrices, not biases or gains).
	Decay bool
}

// Size is the number of values in the tensor.
func (p ParamSpec) Size() int {
	n := 1
	for _, d := range p.Dims {
		n *= d
	}
	return n
}

func dense(name string, in, out int) []ParamSpec {
	return []ParamSpec{
		{Name: name + ".w", Dims: []int{in, out}, Init: Normal, Std: math.Sqrt(2 / float64(in+out)), Decay: true},
		{Name: name + ".b", Dims: []int{out}, Init: Zeros},
	}
}

func layerNorm(name string, d int) []ParamSpec {
	return []ParamSpec{
		{Name: name + ".g", Dims: []int{d}, Init: Ones},
		{Name: name + ".b", Dims: []int{d}, Init: Zeros},
	}
}

// Params lists the model's parameters in a fixed order.
func (c Config) Params() []ParamSpec {
	var ps []ParamSpec
	if c.Type == BagOfTokens {
		ps = append(ps, ParamSpec{Name: "embed", Dims: []int{c.VocabSize, c.DModel}, Init: Normal, Std: 0.1, Decay: true})
		ps = append(ps, dense("hidden", c.DModel, c.Hidden)...)
		ps = append(ps, dense("head", c.Hidden, c.NumClasses)...)
		return ps
	}
	ps = append(ps,
		ParamSpec{Name: "embed", Dims: []int{c.VocabSize, c.DModel}, Init: Normal, Std: 0.02, Decay: true},
		ParamSpec{Name: "pos", Dims: []int{c.SeqLen, c.DModel}, Init: Normal, Std: 0.02, Decay: true},
	)
	for l := range c.Layers {
		b := fmt.Sprintf("block%d.", l)
		ps = append(ps, layerNorm(b+"ln1", c.DModel)...)
		for _, p := range []string{"q", "k", "v", "o"} {
			ps = append(ps, dense(b+"attn."+p, c.DModel, c.DModel)...)
		}
		ps = append(ps, layerNorm(b+"ln2", c.DModel)...)
		ps = append(ps, dense(b+"ff.in", c.DModel, c.DFF)...)
		ps = append(ps, dense(b+"ff.out", c.DFF, c.DModel)...)
	}
	ps = append(ps, layerNorm("ln_f", c.DModel)...)
	out := c.VocabSize
	if c.IsClassifier() {
		out = c.NumClasses
	}
	ps = append(ps, dense("head", c.DModel, out)...)
	return ps
}

// CountParams returns the number of values in specs.
func CountParams(specs []ParamSpec) int64 {
	var n int64
	for _, p := range specs {
		n += int64(p.Size())
	}
	return n
}

// InitValues draws the initial values of one parameter. Each parameter has its
// own random stream, derived from seed and its name, so adding a parameter
// never changes another one's values.
func InitValues(p ParamSpec, seed int64) []float32 {
	v := make([]float32, p.Size())
	switch p.Init {
	case Ones:
		for i := range v {
			v[i] = 1
		}
	case Normal:
		h := fnv.New64a()
		_, _ = h.Write([]byte(p.Name))
		r := rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
		for i := range v {
			v[i] = float32(r.NormFloat64() * p.Std)
		}
	}
	return v
}

// InitAll draws the initial values of every parameter, in the order of specs.
func InitAll(specs []ParamSpec, seed int64) [][]float32 {
	out := make([][]float32, len(specs))
	for i, p := range specs {
		out[i] = InitValues(p, seed)
	}
	return out
}

// Index maps parameter names to their position in specs.
func Index(specs []ParamSpec) map[string]int {
	m := make(map[string]int, len(specs))
	for i, p := range specs {
		m[p.Name] = i
	}
	return m
}

// baseName strips a parameter's last component (".w", ".b", ".g").
func baseName(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i]
	}
	return name
}
