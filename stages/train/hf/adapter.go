package hf

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/stages/train/models"
	"github.com/mlpipe/pipeline/stages/train/safetensors"
)

// ReadAdapters reads the adapters specs lists (from LoRA.Params) out of a
// PEFT adapter directory's adapter_model.safetensors, where each is named
// base_model.model.<module path in the task model>.lora_A.weight.
func ReadAdapters(dir string, specs []models.ParamSpec) ([][]float32, error) {
	path := filepath.Join(dir, AdapterFile)
	f, err := safetensors.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading adapters: %w", err)
	}
	defer f.Close()
	byModule := map[string]string{}
	for _, t := range f.Tensors() {
		name, ok := strings.CutPrefix(t.Name, "base_model.model.")
		if !ok {
			return nil, fmt.Errorf("%s: tensor %q is not named base_model.model.<module>: not a PEFT adapter", path, t.Name)
		}
		byModule[name] = t.Name
	}
	out := make([][]float32, len(specs))
	for i, s := range specs {
		var found string
		for _, p := range basePrefixes {
			if n, ok := byModule[p+s.Name]; ok {
				found = n
				break
			}
		}
		if found == "" {
			return nil, fmt.Errorf("%s: no tensor for adapter %s (adapter_config.json's target_modules and r must match the model's)", path, s.Name)
		}
		v, shape, err := f.Float32(found)
		if err != nil {
			return nil, err
		}
		if !slices.Equal(shape, s.Dims) {
			return nil, fmt.Errorf("%s: tensor %q has shape %v, the adapter config implies %v", path, found, shape, s.Dims)
		}
		out[i] = v
	}
	return out, nil
}

// maxAdapterConfigBytes bounds adapter_config.json.
const maxAdapterConfigBytes = 1 << 20

// ReadAdapterConfig reads a PEFT adapter directory's adapter_config.json. Only
// plain LoRA is supported: no DoRA, rsLoRA, per-module ranks, trained biases
// or modules_to_save; each is an error naming the field.
func ReadAdapterConfig(dir string) (*LoRA, error) {
	path := filepath.Join(dir, AdapterConfigFile)
	raw, err := artifacts.ReadFileBounded(path, maxAdapterConfigBytes)
	if err != nil {
		return nil, fmt.Errorf("reading the adapter config: %w", err)
	}
	var c struct {
		PeftType      string          `json:"peft_type"`
		R             int             `json:"r"`
		Alpha         float64         `json:"lora_alpha"`
		Dropout       float64         `json:"lora_dropout"`
		Targets       json.RawMessage `json:"target_modules"`
		Bias          string          `json:"bias"`
		UseDoRA       bool            `json:"use_dora"`
		UseRSLoRA     bool            `json:"use_rslora"`
		RankPattern   map[string]any  `json:"rank_pattern"`
		AlphaPattern  map[string]any  `json:"alpha_pattern"`
		ModulesToSave []string        `json:"modules_to_save"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	fail := func(format string, args ...any) (*LoRA, error) {
		return nil, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...))
	}
	switch {
	case c.PeftType != "LORA":
		return fail("peft_type %q: only LORA is supported", c.PeftType)
	case c.R <= 0:
		return fail("r = %d: must be positive", c.R)
	case c.UseDoRA || c.UseRSLoRA:
		return fail("use_dora and use_rslora are not supported")
	case len(c.RankPattern) > 0 || len(c.AlphaPattern) > 0:
		return fail("rank_pattern and alpha_pattern are not supported")
	case c.Bias != "" && c.Bias != "none":
		return fail("bias %q: only none is supported", c.Bias)
	case len(c.ModulesToSave) > 0:
		return fail("modules_to_save %v: not supported (merge the adapter into the model first)", c.ModulesToSave)
	}
	l := &LoRA{Rank: c.R, Alpha: c.Alpha, Dropout: c.Dropout}
	if err := json.Unmarshal(c.Targets, &l.Targets); err != nil || len(l.Targets) == 0 {
		return fail("target_modules: want a list of module names (a regular expression is not supported)")
	}
	return l, nil
}
