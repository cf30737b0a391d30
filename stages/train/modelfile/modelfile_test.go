package modelfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/stages/train/checkpoint"
	"github.com/mlpipe/pipeline/stages/train/data"
	"github.com/mlpipe/pipeline/stages/train/models"
)

func tensors(specs []models.ParamSpec, seed int64) []checkpoint.Tensor {
	out := make([]checkpoint.Tensor, len(specs))
	for i, s := range specs {
		out[i] = checkpoint.Tensor{Name: s.Name, Dims: s.Dims, Values: models.InitValues(s, seed)}
	}
	return out
}

func TestSaveLoadAndMerge(t *testing.T) {
	cfg := models.Config{Type: models.BagOfTokens, VocabSize: 5, DModel: 4, SeqLen: 8, NumClasses: 2}.WithDefaults()
	lora := &models.LoRA{Rank: 2, Alpha: 4, Targets: []string{"hidden"}}
	specs, err := lora.Params(cfg)
	if err != nil {
		t.Fatal(err)
	}
	adapters := tensors(specs, 1)
	for i := range adapters[1].Values { // make B non-zero so merging changes something
		adapters[1].Values[i] = 0.5
	}
	m := &Model{Meta: Meta{Task: Classification, Model: cfg, Labels: []string{"ham", "spam"}, DType: "float32",
		Tokenizer: data.Tokenizer{VocabSize: 5, PadID: -1}, LoRA: lora},
		Weights: tensors(cfg.Params(), 2), Adapters: adapters}
	dir := filepath.Join(t.TempDir(), "model")
	if err := Save(dir, m); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Meta.Params != models.CountParams(cfg.Params()) || len(got.Adapters) != 2 {
		t.Fatalf("loaded meta %+v with %d adapters", got.Meta, len(got.Adapters))
	}
	merged, err := got.Merged()
	if err != nil {
		t.Fatal(err)
	}
	idx := models.Index(cfg.Params())["hidden.w"]
	// W' = W + (alpha/rank)·A·B, checked at [0,0].
	a, b := adapters[0].Values, adapters[1].Values
	want := got.Weights[idx].Values[0] + float32(2*(float64(a[0])*float64(b[0])+float64(a[1])*float64(b[cfg.Hidden])))
	if d := merged[idx].Values[0] - want; d > 1e-6 || d < -1e-6 {
		t.Fatalf("merged hidden.w[0,0] = %v, want %v", merged[idx].Values[0], want)
	}
	// A bad schema version is refused.
	raw, _ := os.ReadFile(filepath.Join(dir, MetaFile))
	bad := strings.Replace(string(raw), `"schema_version": 1`, `"schema_version": 99`, 1)
	if err := os.WriteFile(filepath.Join(dir, MetaFile), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "schema version 99") {
		t.Fatalf("Load of schema 99 = %v", err)
	}
}
