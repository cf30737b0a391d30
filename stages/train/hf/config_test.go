package hf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseConfigErrorsNameTheField(t *testing.T) {
	cases := map[string]struct{ json, want string }{
		"no model_type":   {`{"hidden_size": 8}`, "model_type is missing (supported: bert, roberta, distilbert, gpt2, llama)"},
		"unsupported":     {`{"model_type": "t5"}`, `model_type "t5" is not supported (supported: bert, roberta, distilbert, gpt2, llama)`},
		"missing field":   {`{"model_type": "bert", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2}`, "intermediate_size is missing"},
		"wrong type":      {`{"model_type": "gpt2", "vocab_size": "10", "n_embd": 8, "n_layer": 1, "n_head": 2}`, "vocab_size = 10: want an integer"},
		"heads":           {`{"model_type": "gpt2", "vocab_size": 10, "n_embd": 9, "n_layer": 1, "n_head": 2}`, "hidden size 9 is not divisible by 2 attention heads"},
		"gqa":             {`{"model_type": "llama", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 3, "intermediate_size": 16}`, "not a multiple of num_key_value_heads = 3"},
		"rope scaling":    {`{"model_type": "llama", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, "rope_scaling": {"type": "linear"}}`, "rope_scaling"},
		"activation":      {`{"model_type": "bert", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, "hidden_act": "swish2"}`, `activation "swish2" is not supported`},
		"huge":            {`{"model_type": "gpt2", "vocab_size": 100000000, "n_embd": 8, "n_layer": 1, "n_head": 2}`, "larger than this loader's limit"},
		"negative":        {`{"model_type": "gpt2", "vocab_size": -1, "n_embd": 8, "n_layer": 1, "n_head": 2}`, "vocab_size of a gpt2 model must be positive"},
		"not an object":   {`[1]`, "invalid JSON"},
		"position offset": {`{"model_type": "roberta", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, "max_position_embeddings": 2, "pad_token_id": 1}`, "leaves no positions"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseConfig([]byte(c.json))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func TestReadConfigNamesTheDirectory(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadConfig(dir); err == nil || !strings.Contains(err.Error(), dir+" is not a Hugging Face model directory: it has no config.json") {
		t.Fatalf("got %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte(`{"model_type": "t5"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadConfig(dir); err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, ConfigFile)+": ") {
		t.Fatalf("got %v", err)
	}
}

func TestDefaultsFollowTransformers(t *testing.T) {
	c, err := ParseConfig([]byte(`{"model_type": "llama", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.KVHeads != 2 || c.HeadDim != 4 || c.RopeTheta != 10000 || c.NormEps != 1e-6 || c.Activation != "silu" || c.TieEmbeddings {
		t.Errorf("llama defaults: %+v", c)
	}
	g, err := ParseConfig([]byte(`{"model_type": "gpt2", "vocab_size": 10, "n_embd": 8, "n_layer": 1, "n_head": 2}`))
	if err != nil {
		t.Fatal(err)
	}
	if g.Intermediate != 32 || g.MaxPositions != 1024 || g.Activation != "gelu_new" || !g.TieEmbeddings || g.NormEps != 1e-5 {
		t.Errorf("gpt2 defaults: %+v", g)
	}
	r, err := ParseConfig([]byte(`{"model_type": "roberta", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, "max_position_embeddings": 66}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.PositionOffset() != 2 || r.MaxSeqLen() != 64 {
		t.Errorf("roberta offsets: %d, %d", r.PositionOffset(), r.MaxSeqLen())
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"model_type": "bert", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16}`))
	f.Add([]byte(`{"model_type": "llama", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 16}`))
	f.Add([]byte(`{"model_type": "gpt2", "vocab_size": 1e300, "n_embd": 8}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfig(b)
		if err != nil {
			return
		}
		for _, p := range c.BaseParams() {
			for _, d := range p.Dims {
				if d <= 0 || d > maxDim*4 {
					t.Fatalf("accepted config gives parameter %s dims %v", p.Name, p.Dims)
				}
			}
		}
	})
}

func TestRopeParameters(t *testing.T) {
	base := `{"model_type": "llama", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, `
	c, err := ParseConfig([]byte(base + `"rope_parameters": {"rope_type": "default", "rope_theta": 500000.0}}`))
	if err != nil || c.RopeTheta != 500000 {
		t.Fatalf("theta %v, %v", c, err)
	}
	if _, err := ParseConfig([]byte(base + `"rope_parameters": {"rope_type": "yarn", "factor": 4}}`)); err == nil || !strings.Contains(err.Error(), `rope_parameters.rope_type "yarn": only default`) {
		t.Fatalf("yarn: %v", err)
	}
}
