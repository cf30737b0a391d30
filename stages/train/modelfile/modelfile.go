// Package modelfile reads and writes the model artifact the train stage
// produces and the eval stage consumes: a directory holding model.json (the
// architecture, task, labels, tokenizer and a schema version), weights.bin
// and, for an unmerged LoRA fine-tune, adapters.bin beside the base weights.
package modelfile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mlpipe/pipeline/stages/train/checkpoint"
	"github.com/mlpipe/pipeline/stages/train/data"
	"github.com/mlpipe/pipeline/stages/train/models"
)

// SchemaVersion is the version of the model artifact's layout.
const SchemaVersion = 1

// File names inside a model directory.
const (
	MetaFile     = "model.json"
	WeightsFile  = "weights.bin"
	AdaptersFile = "adapters.bin"
)

// Tasks.
const (
	Classification   = "classification"
	LanguageModeling = "language_modeling"
)

// Meta is model.json.
type Meta struct {
	// SchemaVersion is SchemaVersion when written.
	SchemaVersion int `json:"schema_version"`
	// Task is Classification or LanguageModeling.
	Task string `json:"task"`
	// Model is the architecture.
	Model models.Config `json:"model"`
	// Labels are the class names, in class-index order (classification only).
	Labels []string `json:"labels,omitempty"`
	// LabelColumn is the column the labels came from.
	LabelColumn string `json:"label_column,omitempty"`
	// NumericLabels is true when the labels were integers.
	NumericLabels bool `json:"numeric_labels,omitempty"`
	// Tokenizer is the tokenizer of the training data.
	Tokenizer data.Tokenizer `json:"tokenizer"`
	// DType is the dtype the model was trained in (weights are stored as float32).
	DType string `json:"dtype"`
	// Params is the number of values in weights.bin.
	Params int64 `json:"params"`
	// LoRA is set when adapters.bin holds adapters not merged into weights.bin.
	LoRA *models.LoRA `json:"lora,omitempty"`
	// Base identifies the model a LoRA fine-tune started from, merged or not.
	Base *BaseRef `json:"base,omitempty"`
	// Pretrained is set when the model is a Hugging Face architecture kept
	// as a Hugging Face directory; Model then holds only the sequence length,
	// vocabulary size and classes.
	Pretrained *Pretrained `json:"pretrained,omitempty"`
}

// BaseRef identifies a base model by the SHA-256 of its weights file.
type BaseRef struct {
	WeightsSHA256 string `json:"weights_sha256"`
}

// Model is a loaded model artifact.
type Model struct {
	Meta     Meta
	Weights  []checkpoint.Tensor
	Adapters []checkpoint.Tensor
}

// Save writes m into dir (created if missing).
func Save(dir string, m *Model) error {
	m.Meta.Params = 0
	for _, t := range m.Weights {
		m.Meta.Params += int64(len(t.Values))
	}
	if err := SaveMeta(dir, &m.Meta); err != nil {
		return err
	}
	if err := checkpoint.WriteTensors(filepath.Join(dir, WeightsFile), m.Weights); err != nil {
		return fmt.Errorf("writing model: %w", err)
	}
	if m.Meta.LoRA != nil {
		if err := checkpoint.WriteTensors(filepath.Join(dir, AdaptersFile), m.Adapters); err != nil {
			return fmt.Errorf("writing model: %w", err)
		}
	}
	return nil
}

// SaveMeta writes model.json into dir (created if missing): all a
// pretrained model's artifact needs besides the Hugging Face files.
func SaveMeta(dir string, meta *Meta) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing model: %w", err)
	}
	meta.SchemaVersion = SchemaVersion
	b, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return fmt.Errorf("writing model %s: %w", dir, err)
	}
	if err := os.WriteFile(filepath.Join(dir, MetaFile), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing model: %w", err)
	}
	return nil
}

// ReadMeta reads model.json of the model in dir and checks its schema version.
func ReadMeta(dir string) (*Meta, error) {
	raw, err := os.ReadFile(filepath.Join(dir, MetaFile))
	if err != nil {
		return nil, fmt.Errorf("reading model: %w (is %s the model output of a train stage?)", err, dir)
	}
	var meta Meta
	if err := json.Unmarshal(raw, &meta); err != nil {
		return nil, fmt.Errorf("reading model %s: %w", filepath.Join(dir, MetaFile), err)
	}
	if meta.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("reading model %s: schema version %d, this build reads %d", dir, meta.SchemaVersion, SchemaVersion)
	}
	if meta.Pretrained == nil {
		if err := meta.Model.Validate(); err != nil {
			return nil, fmt.Errorf("reading model %s: %w", dir, err)
		}
	}
	return &meta, nil
}

// Load reads the model in dir and checks its tensors against its config.
func Load(dir string) (*Model, error) {
	meta, err := ReadMeta(dir)
	if err != nil {
		return nil, err
	}
	m := &Model{Meta: *meta}
	if m.Weights, err = checkpoint.ReadTensors(filepath.Join(dir, WeightsFile)); err != nil {
		return nil, fmt.Errorf("reading model: %w", err)
	}
	if err := checkShapes(m.Weights, meta.Model.Params(), "weights"); err != nil {
		return nil, fmt.Errorf("reading model %s: %w", dir, err)
	}
	if meta.LoRA != nil {
		if m.Adapters, err = checkpoint.ReadTensors(filepath.Join(dir, AdaptersFile)); err != nil {
			return nil, fmt.Errorf("reading model: %w", err)
		}
		specs, err := meta.LoRA.Params(meta.Model)
		if err != nil {
			return nil, fmt.Errorf("reading model %s: %w", dir, err)
		}
		if err := checkShapes(m.Adapters, specs, "adapters"); err != nil {
			return nil, fmt.Errorf("reading model %s: %w", dir, err)
		}
	}
	return m, nil
}

func checkShapes(ts []checkpoint.Tensor, specs []models.ParamSpec, what string) error {
	if len(ts) != len(specs) {
		return fmt.Errorf("%s: %d tensors, the config needs %d", what, len(ts), len(specs))
	}
	for i, s := range specs {
		if ts[i].Name != s.Name || fmt.Sprint(ts[i].Dims) != fmt.Sprint(s.Dims) {
			return fmt.Errorf("%s: tensor %d is %s%v, the config needs %s%v", what, i, ts[i].Name, ts[i].Dims, s.Name, s.Dims)
		}
	}
	return nil
}

// Merged returns the model's weights with any adapters folded in.
func (m *Model) Merged() ([]checkpoint.Tensor, error) {
	out := make([]checkpoint.Tensor, len(m.Weights))
	values := map[string][]float32{}
	dims := map[string][]int{}
	for i, t := range m.Weights {
		out[i] = checkpoint.Tensor{Name: t.Name, Dims: t.Dims, Values: append([]float32(nil), t.Values...)}
		values[t.Name], dims[t.Name] = out[i].Values, t.Dims
	}
	if m.Meta.LoRA == nil {
		return out, nil
	}
	adapters := map[string][]float32{}
	for _, t := range m.Adapters {
		adapters[t.Name] = t.Values
	}
	if err := m.Meta.LoRA.Merge(values, dims, adapters); err != nil {
		return nil, err
	}
	return out, nil
}

// WeightsDigest returns the SHA-256 of the weights file of the model in dir.
func WeightsDigest(dir string) (string, error) {
	f, err := os.Open(filepath.Join(dir, WeightsFile))
	if err != nil {
		return "", fmt.Errorf("hashing model weights: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hashing model weights %s: %w", f.Name(), err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
