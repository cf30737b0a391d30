package modelfile

import (
	"fmt"
	"path/filepath"

	"github.com/mlpipe/pipeline/stages/train/engine"
	"github.com/mlpipe/pipeline/stages/train/hf"
	"github.com/mlpipe/pipeline/stages/train/models"
)

// Pretrained is model.json's description of a model kept as a Hugging Face
// directory (config.json, model.safetensors, tokenizer files and, for
// unmerged LoRA adapters, adapter/ as PEFT writes it) beside model.json.
type Pretrained struct {
	// ModelType is config.json's model_type.
	ModelType string `json:"model_type"`
	// Pooling is an encoder classifier's pooling.
	Pooling hf.Pooling `json:"pooling,omitempty"`
	// SourceDType is the dtype the fine-tuned model's weights were stored in.
	SourceDType string `json:"source_dtype,omitempty"`
	// LoRA is set when adapter/ holds adapters not merged into model.safetensors.
	LoRA *hf.LoRA `json:"lora,omitempty"`
}

// Runnable is a model ready for the engine: its forward pass and merged
// parameter values.
type Runnable struct {
	// Meta is model.json.
	Meta *Meta
	// Net is the forward pass.
	Net engine.Net
	// Specs and Values are the parameters, adapters merged.
	Specs  []models.ParamSpec
	Values [][]float32
	// SeqLen is the longest row the model takes.
	SeqLen int
	// Classes is the number of classes of a classifier.
	Classes int
}

// Open loads the model artifact in dir, of either kind, for evaluation or
// prediction.
func Open(dir string) (*Runnable, error) {
	meta, err := ReadMeta(dir)
	if err != nil {
		return nil, err
	}
	if meta.Pretrained == nil {
		m, err := Load(dir)
		if err != nil {
			return nil, err
		}
		weights, err := m.Merged()
		if err != nil {
			return nil, fmt.Errorf("loading model %s: %w", dir, err)
		}
		r := &Runnable{Meta: meta, Net: models.Net{Config: meta.Model}, Specs: meta.Model.Params(),
			SeqLen: meta.Model.SeqLen, Classes: meta.Model.NumClasses}
		for _, w := range weights {
			r.Values = append(r.Values, w.Values)
		}
		return r, nil
	}
	net, specs, values, err := OpenPretrained(dir, meta)
	if err != nil {
		return nil, err
	}
	return &Runnable{Meta: meta, Net: net, Specs: specs, Values: values, SeqLen: meta.Model.SeqLen, Classes: net.Classes}, nil
}

// OpenPretrained reads the Hugging Face weights of a model artifact, adapters
// merged, checked against model.json.
func OpenPretrained(dir string, meta *Meta) (hf.Net, []models.ParamSpec, [][]float32, error) {
	m, err := hf.Open(dir)
	if err != nil {
		return hf.Net{}, nil, nil, fmt.Errorf("loading model %s: %w", dir, err)
	}
	defer m.Close()
	p := meta.Pretrained
	if m.Config.ModelType != p.ModelType {
		return hf.Net{}, nil, nil, fmt.Errorf("loading model %s: config.json says %s, model.json %s", dir, m.Config.ModelType, p.ModelType)
	}
	net := hf.Net{Config: m.Config, Pooling: p.Pooling}
	if meta.Task == Classification {
		net.Classes = len(meta.Labels)
	}
	specs := net.Params()
	values, err := m.Values(specs, nil)
	if err != nil {
		return hf.Net{}, nil, nil, fmt.Errorf("loading model: %w", err)
	}
	if p.LoRA != nil {
		if values, err = mergeAdapters(dir, m.Config, p.LoRA, specs, values); err != nil {
			return hf.Net{}, nil, nil, err
		}
	}
	return net, specs, values, nil
}

// mergeAdapters folds adapter/adapter_model.safetensors into values.
func mergeAdapters(dir string, c *hf.Config, l *hf.LoRA, specs []models.ParamSpec, values [][]float32) ([][]float32, error) {
	adapters, err := l.Params(c, specs)
	if err != nil {
		return nil, fmt.Errorf("loading the adapters of %s: %w", dir, err)
	}
	vals, err := hf.ReadAdapters(filepath.Join(dir, hf.AdapterDir), adapters)
	if err != nil {
		return nil, fmt.Errorf("loading model %s: %w", dir, err)
	}
	byName, dims := map[string][]float32{}, map[string][]int{}
	for i, s := range specs {
		byName[s.Name], dims[s.Name] = values[i], s.Dims
	}
	for i, a := range adapters {
		byName[a.Name], dims[a.Name] = vals[i], a.Dims
	}
	if err := l.Merge(c, byName, dims); err != nil {
		return nil, fmt.Errorf("loading model %s: %w", dir, err)
	}
	return values, nil
}
