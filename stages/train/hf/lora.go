package hf

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/mlpipe/pipeline/stages/train/models"
)

// Adapter parameter suffixes, as PEFT names them.
const (
	loraA = ".lora_A.weight"
	loraB = ".lora_B.weight"
)

// LoRA describes low-rank adapters on linear modules, as PEFT's LoraConfig
// does: a targeted module y = x·Wᵀ + b becomes y + (Alpha/Rank)·(x·Aᵀ)·Bᵀ
// with A [Rank, in] and B [out, Rank]; B starts at zero.
type LoRA struct {
	// Rank is r.
	Rank int `json:"rank"`
	// Alpha is lora_alpha.
	Alpha float64 `json:"alpha"`
	// Dropout is lora_dropout, applied to the adapter's input while training.
	Dropout float64 `json:"dropout"`
	// Targets are target_modules: a module is adapted when its name equals a
	// target or ends with "." + target.
	Targets []string `json:"targets"`
	// ModulesToSave are modules_to_save: modules trained in full beside the
	// adapters. As in PEFT, a module is one when its name ends with an entry.
	ModulesToSave []string `json:"modules_to_save,omitempty"`
}

// Saves reports whether the base parameter param (a module's name, a dot,
// and weight or bias) belongs to a module of ModulesToSave.
func (l *LoRA) Saves(param string) bool {
	module, ok := moduleOf(param)
	return ok && slices.ContainsFunc(l.ModulesToSave, func(m string) bool { return savedBy(module, m) })
}

// savedBy reports whether the modules_to_save entry m names module.
func savedBy(module, m string) bool { return m != "" && strings.HasSuffix(module, m) }

// CheckModulesToSave reports an entry of ModulesToSave that names no module
// of base, or names one the adapters also target.
func (l *LoRA) CheckModulesToSave(base []models.ParamSpec) error {
	for _, m := range l.ModulesToSave {
		found := false
		for _, s := range base {
			module, ok := moduleOf(s.Name)
			if !ok || !savedBy(module, m) {
				continue
			}
			if len(l.targets(module)) > 0 {
				return fmt.Errorf("lora.modules_to_save: %q names %s, which lora.targets adapts already", m, module)
			}
			found = true
		}
		if !found {
			return fmt.Errorf("lora.modules_to_save: %q names no module of the model (module names end like %s)", m, moduleExamples(base))
		}
	}
	return nil
}

// moduleOf is the module a parameter belongs to: its name up to the last dot.
func moduleOf(param string) (string, bool) {
	i := strings.LastIndexByte(param, '.')
	return param[:max(i, 0)], i >= 0
}

// moduleExamples lists a few distinct last components of base's module
// names, for an error message.
func moduleExamples(base []models.ParamSpec) string {
	var seen []string
	for _, s := range base {
		module, ok := moduleOf(s.Name)
		if !ok {
			continue
		}
		last := module[strings.LastIndexByte(module, '.')+1:]
		if !slices.Contains(seen, last) {
			seen = append(seen, last)
		}
		if len(seen) == 8 {
			break
		}
	}
	return strings.Join(seen, ", ")
}

// Scale is Alpha/Rank.
func (l *LoRA) Scale() float64 { return l.Alpha / float64(l.Rank) }

// DefaultTargets are the modules adapted when none are named: the query and
// value projections, as PEFT's defaults for these families.
func DefaultTargets(c *Config) []string {
	switch c.ModelType {
	case BERT, RoBERTa:
		return []string{"query", "value"}
	case DistilBERT:
		return []string{"q_lin", "v_lin"}
	case GPT2:
		return []string{"c_attn"}
	}
	return []string{"q_proj", "v_proj"}
}

func (l *LoRA) targets(module string) []string {
	var out []string
	for _, t := range l.Targets {
		if module == t || strings.HasSuffix(module, "."+t) {
			out = append(out, t)
		}
	}
	return out
}

// Params lists the adapters of the linear modules among base that a target
// names, in base's order. It fails when a target matches no linear module.
func (l *LoRA) Params(c *Config, base []models.ParamSpec) ([]models.ParamSpec, error) {
	if l.Rank <= 0 {
		return nil, fmt.Errorf("lora.rank = %d: must be positive", l.Rank)
	}
	var out []models.ParamSpec
	var modules []string
	matched := map[string]bool{}
	for _, p := range base {
		module, ok := strings.CutSuffix(p.Name, ".weight")
		if !ok || len(p.Dims) != 2 || p.Name == c.tokenEmbeddings() || strings.HasPrefix(module, "embeddings.") || module == "wpe" {
			continue
		}
		modules = append(modules, lastName(module))
		ts := l.targets(module)
		if len(ts) == 0 {
			continue
		}
		for _, t := range ts {
			matched[t] = true
		}
		in, o := p.Dims[1], p.Dims[0]
		if c.ModelType == GPT2 && module != "lm_head" { // Conv1D weights are [in, out]
			in, o = o, in
		}
		out = append(out,
			models.ParamSpec{Name: module + loraA, Dims: []int{l.Rank, in}, Init: models.Normal, Std: 1 / math.Sqrt(float64(in))},
			models.ParamSpec{Name: module + loraB, Dims: []int{o, l.Rank}, Init: models.Zeros},
		)
	}
	for _, t := range l.Targets {
		if !matched[t] {
			slices.Sort(modules)
			return nil, fmt.Errorf("lora.targets: %q matches no linear module of this %s model (modules: %s)",
				t, c.ModelType, strings.Join(slices.Compact(modules), ", "))
		}
	}
	return out, nil
}

// lastName is a module path's last component.
func lastName(module string) string {
	return module[strings.LastIndexByte(module, '.')+1:]
}

// Merge folds the adapters into the weights they adapt: W += (Alpha/Rank)·B·A
// (transposed for GPT-2's Conv1D weights). values and dims are indexed by
// parameter name; values is changed in place.
func (l *LoRA) Merge(c *Config, values map[string][]float32, dims map[string][]int) error {
	for name, a := range values {
		module, ok := strings.CutSuffix(name, loraA)
		if !ok {
			continue
		}
		b, ok := values[module+loraB]
		if !ok {
			return fmt.Errorf("merging adapters: %s has no %s", name, module+loraB)
		}
		w, ok := values[module+".weight"]
		if !ok {
			return fmt.Errorf("merging adapters: the base model has no %s.weight", module)
		}
		r, in, out := l.Rank, dims[name][1], dims[module+loraB][0]
		conv := c.ModelType == GPT2 && module != "lm_head"
		if len(a) != r*in || len(b) != out*r || len(w) != in*out {
			return fmt.Errorf("merging adapters of %s: sizes %d, %d and %d do not fit r=%d, in=%d, out=%d", module, len(a), len(b), len(w), r, in, out)
		}
		s := l.Scale()
		for o := range out {
			for k := range r {
				bok := float64(b[o*r+k]) * s
				if bok == 0 {
					continue
				}
				arow := a[k*in : (k+1)*in]
				for i, av := range arow {
					idx := o*in + i // W [out, in]
					if conv {
						idx = i*out + o // W [in, out]
					}
					w[idx] = float32(float64(w[idx]) + bok*float64(av))
				}
			}
		}
	}
	return nil
}
