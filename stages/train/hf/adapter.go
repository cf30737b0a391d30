package hf

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

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
