package models

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// LoRA describes low-rank adapters: each targeted dense layer y = x·W + b
// becomes y = x·W + (Alpha/Rank)·(x·A)·B + b, with A [in, Rank] and B [Rank,
// out]; B starts at zero, so training starts from the base model exactly.
type LoRA struct {
	// Rank is the adapters' inner width.
	Rank int `json:"rank"`
	// Alpha scales the update (by Alpha/Rank).
	Alpha float64 `json:"alpha"`
	// Targets name the dense layers to adapt, by the last components of their
	// names: "attn.q" adapts every block's query projection, "head" the head.
	Targets []string `json:"targets"`
}

// DefaultTargets are the layers adapted when none are named.
func DefaultTargets(c Config) []string {
	if c.Type == BagOfTokens {
		return []string{"hidden", "head"}
	}
	return []string{"attn.q", "attn.v"}
}

// Scale is Alpha/Rank.
func (l *LoRA) Scale() float64 { return l.Alpha / float64(l.Rank) }

// targeted reports whether the dense layer named layer matches a target.
func (l *LoRA) targeted(layer string) bool {
	for _, t := range l.Targets {
		if layer == t || strings.HasSuffix(layer, "."+t) {
			return true
		}
	}
	return false
}

// Params lists the adapters' parameters for model c, in the order of c's
// dense layers. It fails when a target matches no dense layer.
func (l *LoRA) Params(c Config) ([]ParamSpec, error) {
	if l.Rank <= 0 {
		return nil, fmt.Errorf("lora.rank = %d: must be positive", l.Rank)
	}
	var out []ParamSpec
	matched := map[string]bool{}
	for _, p := range c.Params() {
		if !strings.HasSuffix(p.Name, ".w") || len(p.Dims) != 2 {
			continue
		}
		layer := baseName(p.Name)
		if !l.targeted(layer) {
			continue
		}
		for _, t := range l.Targets {
			if layer == t || strings.HasSuffix(layer, "."+t) {
				matched[t] = true
			}
		}
		in, o := p.Dims[0], p.Dims[1]
		out = append(out,
			ParamSpec{Name: layer + ".lora_a", Dims: []int{in, l.Rank}, Init: Normal, Std: 1 / math.Sqrt(float64(in))},
			ParamSpec{Name: layer + ".lora_b", Dims: []int{l.Rank, o}, Init: Zeros},
		)
	}
	for _, t := range l.Targets {
		if !matched[t] {
			return nil, fmt.Errorf("lora.targets: %q matches no dense layer of a %s model (layers: %s)",
				t, c.Type, strings.Join(denseLayers(c), ", "))
		}
	}
	return out, nil
}

// denseLayers lists the names of c's dense layers.
func denseLayers(c Config) []string {
	var out []string
	for _, p := range c.Params() {
		if strings.HasSuffix(p.Name, ".w") && len(p.Dims) == 2 && !slices.Contains(out, baseName(p.Name)) {
			out = append(out, baseName(p.Name))
		}
	}
	return out
}

// Merge folds adapters into base weights: W += (Alpha/Rank)·A·B for every
// adapted layer. base and adapters are indexed by name; base is changed in
// place.
func (l *LoRA) Merge(base map[string][]float32, baseDims map[string][]int, adapters map[string][]float32) error {
	for name, a := range adapters {
		layer, ok := strings.CutSuffix(name, ".lora_a")
		if !ok {
			continue
		}
		bv, ok := adapters[layer+".lora_b"]
		if !ok {
			return fmt.Errorf("merging adapters: %s has no %s.lora_b", name, layer)
		}
		w, ok := base[layer+".w"]
		if !ok {
			return fmt.Errorf("merging adapters: base model has no %s.w", layer)
		}
		dims := baseDims[layer+".w"]
		in, out, r := dims[0], dims[1], l.Rank
		if len(a) != in*r || len(bv) != r*out {
			return fmt.Errorf("merging adapters of %s: sizes %d and %d do not fit [%d,%d]·[%d,%d]", layer, len(a), len(bv), in, r, r, out)
		}
		s := l.Scale()
		for i := range in {
			for k := range r {
				aik := float64(a[i*r+k]) * s
				if aik == 0 {
					continue
				}
				row := bv[k*out : (k+1)*out]
				dst := w[i*out : (i+1)*out]
				for j := range out {
					dst[j] = float32(float64(dst[j]) + aik*float64(row[j]))
				}
			}
		}
	}
	return nil
}
