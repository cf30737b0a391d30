package hf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	hftok "github.com/mlpipe/pipeline/stages/tokenize/hf"
	"github.com/mlpipe/pipeline/stages/train/models"
	"github.com/mlpipe/pipeline/stages/train/safetensors"
)

// TokenizerFile is the name of a model directory's tokenizer.
const TokenizerFile = "tokenizer.json"

// Model is an opened Hugging Face model directory: its config and weights,
// read tensor by tensor.
type Model struct {
	// Dir is the directory.
	Dir string
	// Config is config.json.
	Config *Config
	// SavedDType is the dtype the token embeddings are stored in (F32, F16 or BF16).
	SavedDType safetensors.DType
	weights    *safetensors.Set
	prefix     string // of the base model's names in the files: "", "bert.", "model.", ...
}

// basePrefixes are the attribute names under which a task model
// (ForSequenceClassification, ForCausalLM, LMHeadModel) holds its base model.
var basePrefixes = []string{"", "bert.", "roberta.", "distilbert.", "transformer.", "model."}

// headNames start the names of parameters that a task model holds beside its
// base model rather than inside it.
var headNames = []string{"classifier.", "pre_classifier.", "lm_head."}

// Open reads dir's config and opens its weights.
func Open(dir string) (*Model, error) {
	c, err := ReadConfig(dir)
	if err != nil {
		return nil, err
	}
	set, err := safetensors.OpenDir(dir)
	if err != nil {
		if _, perr := os.Stat(filepath.Join(dir, "pytorch_model.bin")); perr == nil {
			return nil, fmt.Errorf("%w (this directory has pytorch_model.bin: weights are read from safetensors only, never from pickles; convert them once with scripts/hf/to_safetensors.py)", err)
		}
		return nil, err
	}
	m := &Model{Dir: dir, Config: c, weights: set, prefix: "-"}
	emb := c.tokenEmbeddings()
	for _, p := range basePrefixes {
		if _, ok := set.Info(p + emb); ok {
			m.prefix = p
			break
		}
	}
	if m.prefix == "-" {
		set.Close()
		return nil, fmt.Errorf("%s: no token embeddings %q among the weights of this %s model (found %s)",
			dir, emb, c.ModelType, sample(set.Names()))
	}
	info, _ := set.Info(m.prefix + emb)
	m.SavedDType = info.DType
	return m, nil
}

// Close releases the weight files.
func (m *Model) Close() error { return m.weights.Close() }

// fileName is the name a parameter has in the weight files.
func (m *Model) fileName(name string) string {
	for _, h := range headNames {
		if strings.HasPrefix(name, h) {
			return name
		}
	}
	return m.prefix + name
}

// Has reports whether the weights hold a parameter.
func (m *Model) Has(name string) bool {
	_, ok := m.weights.Info(m.fileName(name))
	return ok
}

// Values reads the parameters of specs as float32, checking each shape
// against the config. A parameter the files lack is an error unless
// optional says otherwise; its values are then nil.
func (m *Model) Values(specs []models.ParamSpec, optional func(name string) bool) ([][]float32, error) {
	out := make([][]float32, len(specs))
	for i, s := range specs {
		name := m.fileName(s.Name)
		info, ok := m.weights.Info(name)
		if !ok {
			if optional != nil && optional(s.Name) {
				continue
			}
			return nil, fmt.Errorf("%s: tensor %q is missing: a %s model with this config.json needs it", m.Dir, name, m.Config.ModelType)
		}
		if !slices.Equal(info.Shape, s.Dims) {
			return nil, fmt.Errorf("%s: tensor %q has shape %v, config.json implies %v", m.weights.FileOf(name), name, info.Shape, s.Dims)
		}
		v, _, err := m.weights.Float32(name)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// CheckTokenizer reads dir's tokenizer.json, if any, and checks that its ids
// fit the embedding matrix. It returns the tokenizer's vocabulary size, 0
// without a tokenizer.
func (m *Model) CheckTokenizer() (int, error) {
	path := filepath.Join(m.Dir, TokenizerFile)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	tok, err := hftok.LoadFile(path)
	if err != nil {
		return 0, err
	}
	if n := tok.VocabSize(); n > m.Config.VocabSize {
		return 0, fmt.Errorf("%s has %d tokens but the embedding matrix of %s has %d rows (vocab_size in config.json): not this model's tokenizer",
			path, n, filepath.Join(m.Dir, ConfigFile), m.Config.VocabSize)
	}
	return tok.VocabSize(), nil
}

// sample lists up to five names.
func sample(names []string) string {
	if len(names) > 5 {
		return strings.Join(names[:5], ", ") + fmt.Sprintf(" and %d more", len(names)-5)
	}
	if len(names) == 0 {
		return "no tensors"
	}
	return strings.Join(names, ", ")
}
