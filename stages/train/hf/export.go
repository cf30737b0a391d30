package hf

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/stages/train/models"
	"github.com/mlpipe/pipeline/stages/train/safetensors"
)

// File names an exported model directory holds besides config.json.
const (
	WeightsFile       = "model.safetensors"
	AdapterDir        = "adapter"
	AdapterConfigFile = "adapter_config.json"
	AdapterFile       = "adapter_model.safetensors"
)

// tokenizerFiles are copied from the source model directory when present, so
// that AutoTokenizer loads the export as it loaded the source.
var tokenizerFiles = []string{TokenizerFile, "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"}

// Export describes a model to write as a Hugging Face directory.
type Export struct {
	// Net is the architecture and head.
	Net Net
	// Specs and Values are the parameters, base model and head first; the
	// adapters of an unmerged LoRA fine-tune follow them.
	Specs  []models.ParamSpec
	Values [][]float32
	// Labels name the classes of a classifier, in class order.
	Labels []string
	// TokenizerDir is the directory the tokenizer files are copied from ("" for none).
	TokenizerDir string
	// Merge folds the adapters into the weights instead of writing them apart.
	Merge bool
	// Source names the model fine-tuned (a path), for adapter_config.json.
	Source string
}

// Write writes config.json, model.safetensors, the tokenizer files and, for
// unmerged adapters, adapter/adapter_config.json and
// adapter/adapter_model.safetensors into dir.
func (e *Export) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("exporting the model: %w", err)
	}
	c := e.Net.Config
	values := map[string][]float32{}
	dims := map[string][]int{}
	var base, adapters []safetensors.Tensor
	names := make([]string, 0, len(e.Specs))
	for i, s := range e.Specs {
		values[s.Name], dims[s.Name] = slices.Clone(e.Values[i]), s.Dims
		names = append(names, s.Name)
	}
	lora := e.Net.LoRA
	if lora != nil && e.Merge {
		if err := lora.Merge(c, values, dims); err != nil {
			return err
		}
	}
	for _, name := range names {
		adapter := isAdapter(name)
		if adapter && (lora == nil || e.Merge) {
			continue
		}
		fileName := e.fileName(name)
		if adapter {
			fileName = "base_model.model." + fileName
		}
		t, err := safetensors.FromFloat32(fileName, safetensors.F32, dims[name], values[name])
		if err != nil {
			return fmt.Errorf("exporting the model: %w", err)
		}
		if adapter {
			adapters = append(adapters, t)
			continue
		}
		base = append(base, t)
		if lora != nil && !e.Merge && lora.Saves(name) {
			// PEFT keeps a module of modules_to_save in the adapter file
			// under the module's own name.
			saved, err := safetensors.FromFloat32("base_model.model."+fileName, safetensors.F32, dims[name], values[name])
			if err != nil {
				return fmt.Errorf("exporting the model: %w", err)
			}
			adapters = append(adapters, saved)
		}
	}
	meta := map[string]string{"format": "pt"}
	if err := safetensors.WriteFile(filepath.Join(dir, WeightsFile), base, meta); err != nil {
		return fmt.Errorf("exporting the model: %w", err)
	}
	if err := writeJSON(filepath.Join(dir, ConfigFile), e.config()); err != nil {
		return err
	}
	if lora != nil && !e.Merge {
		ad := filepath.Join(dir, AdapterDir)
		if err := os.MkdirAll(ad, 0o755); err != nil {
			return fmt.Errorf("exporting the adapter: %w", err)
		}
		if err := safetensors.WriteFile(filepath.Join(ad, AdapterFile), adapters, meta); err != nil {
			return fmt.Errorf("exporting the adapter: %w", err)
		}
		if err := writeJSON(filepath.Join(ad, AdapterConfigFile), e.adapterConfig()); err != nil {
			return err
		}
	}
	if e.TokenizerDir != "" {
		for _, f := range tokenizerFiles {
			if err := copyIfPresent(filepath.Join(e.TokenizerDir, f), filepath.Join(dir, f)); err != nil {
				return fmt.Errorf("exporting the tokenizer: %w", err)
			}
		}
	}
	return nil
}

func isAdapter(name string) bool {
	return len(name) > len(loraA) && (name[len(name)-len(loraA):] == loraA || name[len(name)-len(loraB):] == loraB)
}

// taskPrefix is the attribute under which the exported architecture holds
// its base model.
func (e *Export) taskPrefix() string {
	switch {
	case e.Net.Classes > 0 && e.Net.Pooling == PoolCLS:
		return e.Net.Config.ModelType + "."
	case e.Net.Config.ModelType == GPT2:
		return "transformer."
	case e.Net.Config.ModelType == Llama:
		return "model."
	}
	return ""
}

// fileName is a parameter's name in the exported files.
func (e *Export) fileName(name string) string {
	for _, h := range headNames {
		if len(name) >= len(h) && name[:len(h)] == h {
			return name
		}
	}
	return e.taskPrefix() + name
}

// architecture is the transformers class that loads the export.
func (e *Export) architecture() string {
	c := e.Net.Config
	cls := map[string]string{BERT: "Bert", RoBERTa: "Roberta", DistilBERT: "DistilBert", GPT2: "GPT2", Llama: "Llama"}[c.ModelType]
	switch {
	case e.Net.Classes > 0 && e.Net.Pooling == PoolCLS:
		return cls + "ForSequenceClassification"
	case c.ModelType == GPT2:
		return "GPT2LMHeadModel"
	case c.ModelType == Llama:
		return "LlamaForCausalLM"
	}
	return cls + "Model"
}

// config is the source's config.json with the architecture, dtype and labels
// of the export.
func (e *Export) config() map[string]any {
	out := map[string]any{}
	for k, v := range e.Net.Config.Raw {
		out[k] = v
	}
	out["architectures"] = []string{e.architecture()}
	out["torch_dtype"] = "float32"
	delete(out, "dtype")
	if e.Net.Classes > 0 {
		id2label, label2id := map[string]string{}, map[string]int{}
		for i, l := range e.Labels {
			id2label[strconv.Itoa(i)], label2id[l] = l, i
		}
		out["id2label"], out["label2id"] = id2label, label2id
		out["num_labels"] = e.Net.Classes
		out["problem_type"] = "single_label_classification"
		if e.Net.Pooling == PoolMean {
			out["pipeline_pooling"] = string(PoolMean)
		}
	}
	return out
}

// adapterConfig is PEFT's adapter_config.json for the adapters.
func (e *Export) adapterConfig() map[string]any {
	l := e.Net.LoRA
	return map[string]any{
		"peft_type":               "LORA",
		"r":                       l.Rank,
		"lora_alpha":              l.Alpha,
		"lora_dropout":            l.Dropout,
		"target_modules":          l.Targets,
		"modules_to_save":         l.ModulesToSave,
		"fan_in_fan_out":          e.Net.Config.ModelType == GPT2,
		"bias":                    "none",
		"inference_mode":          true,
		"base_model_name_or_path": e.Source,
		"task_type":               nil,
	}
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func copyIfPresent(src, dst string) error {
	if _, err := os.Stat(src); os.IsNotExist(err) {
		return nil
	}
	if err := artifacts.CopyFile(src, dst); err != nil {
		return fmt.Errorf("copying %s: %w", src, err)
	}
	return nil
}
