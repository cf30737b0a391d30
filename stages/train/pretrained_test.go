package train

import (
	"context"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/stages/train/backend"
	"github.com/mlpipe/pipeline/stages/train/data"
	"github.com/mlpipe/pipeline/stages/train/engine"
	"github.com/mlpipe/pipeline/stages/train/hf"
	"github.com/mlpipe/pipeline/stages/train/modelfile"
	"github.com/mlpipe/pipeline/stages/train/safetensors"
)

var exportDir = flag.String("export-dir", "", "also write the exported models and their logits here, for scripts/hf/check_export.py")

// tinyTokenizer matches the committed tiny fixtures' 320-token vocabularies.
var tinyTokenizer = data.Tokenizer{Type: "file", VocabSize: 320, PadID: 0, Digest: "xxh3:tiny"}

// fineTune trains a model.from fine-tune for a few steps and returns its output directory.
func fineTune(t *testing.T, fixture string, with map[string]any, table func(string)) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "train.parquet")
	table(in)
	model := map[string]any{"from": testutil.Fixture(t, "hf/"+fixture), "seq_len": int64(16)}
	if p, ok := with["pooling"]; ok {
		model["pooling"] = p
		delete(with, "pooling")
	}
	params := map[string]any{"model": model, "steps": int64(3), "batch_size": int64(4), "lr": 0.05, "warmup_steps": int64(0), "checkpoint_every": int64(0)}
	for k, v := range with {
		params[k] = v
	}
	env := newEnv(t, params, map[string]string{InputTrain: in}, "")
	if _, err := (Kind{}).Run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	return env.OutPath(PortModel)
}

func classTable(t *testing.T) func(string) {
	return func(path string) {
		rows := [][]int32{{2, 10, 11, 3}, {2, 40, 41, 42, 3}, {2, 12, 3}, {2, 43, 44, 3}, {2, 13, 14, 15, 3}, {2, 45, 3}}
		labels := []string{"ham", "spam", "ham", "spam", "ham", "spam"}
		if err := data.WriteTable(path, rows, "label", labels, tinyTokenizer); err != nil {
			t.Fatal(err)
		}
	}
}

func lmTable(t *testing.T) func(string) {
	return func(path string) {
		var rows [][]int32
		for i := range 8 {
			rows = append(rows, []int32{int32(20 + i), 30, 31, 32, int32(40 + i), 50, 51})
		}
		if err := data.WriteTable(path, rows, "", nil, tinyTokenizer); err != nil {
			t.Fatal(err)
		}
	}
}

// logitsOf runs an exported model on a fixed batch.
func logitsOf(t *testing.T, dir string) ([]float32, []int32, []float32) {
	t.Helper()
	m, err := modelfile.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := backend.Open(backend.Default)
	if err != nil {
		t.Fatal(err)
	}
	p, err := engine.NewPredictor(b, m.Net, m.Specs, m.Values)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ids := []int32{2, 10, 40, 3, 0, 0, 2, 44, 45, 46, 47, 3}
	mask := []float32{1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1}
	out, _, err := p.Run(ids, mask, 2, 6)
	if err != nil {
		t.Fatal(err)
	}
	return out, ids, mask
}

func maxAbsDiff(a, b []float32) float64 {
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

// TestPretrainedLoRAExportsAdapterAndMergedModel fine-tunes tiny-bert with
// LoRA: the unmerged export keeps the base weights bit for bit and holds a
// PEFT adapter; merged and unmerged give the same logits; a full fine-tune
// changes the base weights.
func TestPretrainedLoRAExportsAdapterAndMergedModel(t *testing.T) {
	lora := func(merge bool) map[string]any {
		return map[string]any{"task": "classification", "lora": map[string]any{"rank": int64(4), "targets": []any{"query", "value"}}, "merge": merge}
	}
	unmerged := fineTune(t, "tiny-bert", lora(false), classTable(t))
	merged := fineTune(t, "tiny-bert", lora(true), classTable(t))
	for _, f := range []string{"config.json", "model.safetensors", "tokenizer.json", "adapter/adapter_config.json", "adapter/adapter_model.safetensors"} {
		if _, err := os.Stat(filepath.Join(unmerged, f)); err != nil {
			t.Errorf("unmerged export: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(merged, "adapter")); !os.IsNotExist(err) {
		t.Errorf("merged export has an adapter directory: %v", err)
	}
	var cfg map[string]any
	raw, _ := os.ReadFile(filepath.Join(unmerged, "config.json"))
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	if a := cfg["architectures"].([]any)[0]; a != "BertForSequenceClassification" || cfg["num_labels"] != 2.0 {
		t.Errorf("config: architectures %v, num_labels %v", a, cfg["num_labels"])
	}
	if l, err := hf.ReadAdapterConfig(filepath.Join(unmerged, "adapter")); err != nil || l.Rank != 4 {
		t.Errorf("adapter config: %+v, %v", l, err)
	}
	// The base weights are those of the checkpoint, bit for bit.
	orig := openWeights(t, filepath.Join(testutil.Fixture(t, "hf/tiny-bert"), "model.safetensors"))
	got := openWeights(t, filepath.Join(unmerged, "model.safetensors"))
	for _, name := range []string{"encoder.layer.0.attention.self.query.weight", "embeddings.word_embeddings.weight"} {
		a, _, _ := orig.Float32(name)
		b, _, err := got.Float32("bert." + name)
		if err != nil || !slices.Equal(a, b) {
			t.Errorf("%s changed under LoRA (%v)", name, err)
		}
	}
	lu, ids, mask := logitsOf(t, unmerged)
	lm, _, _ := logitsOf(t, merged)
	if d := maxAbsDiff(lu, lm); d > 1e-5 {
		t.Errorf("merged and unmerged logits differ by %g", d)
	}
	writeForCheck(t, "bert-lora-unmerged", unmerged, ids, mask, lu)
	writeForCheck(t, "bert-lora-merged", merged, ids, mask, lm)
}

// TestPretrainedLoRAModulesToSave trains tiny-bert's LayerNorms in full
// beside LoRA adapters: they change, the adapted and other weights do not,
// and the PEFT adapter lists them and holds their trained values.
func TestPretrainedLoRAModulesToSave(t *testing.T) {
	with := map[string]any{"task": "classification", "lora": map[string]any{"rank": int64(4), "targets": []any{"query", "value"},
		"modules_to_save": []any{"LayerNorm"}}}
	dir := fineTune(t, "tiny-bert", with, classTable(t))
	orig := openWeights(t, filepath.Join(testutil.Fixture(t, "hf/tiny-bert"), "model.safetensors"))
	got := openWeights(t, filepath.Join(dir, "model.safetensors"))
	adapter := openWeights(t, filepath.Join(dir, "adapter", "adapter_model.safetensors"))
	for name, wantChanged := range map[string]bool{
		"encoder.layer.0.attention.output.LayerNorm.weight": true, "embeddings.LayerNorm.bias": true,
		"encoder.layer.0.attention.self.query.weight": false, "encoder.layer.0.intermediate.dense.weight": false,
	} {
		a, _, _ := orig.Float32(name)
		b, _, err := got.Float32("bert." + name)
		if err != nil {
			t.Fatal(err)
		}
		if changed := !slices.Equal(a, b); changed != wantChanged {
			t.Errorf("%s: changed %v, want %v", name, changed, wantChanged)
		}
		saved, _, err := adapter.Float32("base_model.model.bert." + name)
		switch {
		case wantChanged && (err != nil || !slices.Equal(saved, b)):
			t.Errorf("the adapter file does not hold the trained %s (%v)", name, err)
		case !wantChanged && err == nil:
			t.Errorf("the adapter file holds %s, which is not in modules_to_save", name)
		}
	}
	var cfg map[string]any
	raw, _ := os.ReadFile(filepath.Join(dir, "adapter", "adapter_config.json"))
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	if m, _ := cfg["modules_to_save"].([]any); len(m) != 1 || m[0] != "LayerNorm" {
		t.Errorf("adapter_config.json modules_to_save = %v", cfg["modules_to_save"])
	}
	logits, ids, mask := logitsOf(t, dir)
	writeForCheck(t, "bert-lora-modules-to-save", dir, ids, mask, logits)
}

// TestPretrainedDecoderLoRA fine-tunes tiny-gpt2 as a language model with a
// PEFT adapter on c_attn and reloads it.
func TestPretrainedDecoderLoRA(t *testing.T) {
	dir := fineTune(t, "tiny-gpt2", map[string]any{"lora": map[string]any{"rank": int64(4), "targets": []any{"c_attn"}}}, lmTable(t))
	var meta modelfile.Meta
	raw, _ := os.ReadFile(filepath.Join(dir, modelfile.MetaFile))
	if err := json.Unmarshal(raw, &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Task != modelfile.LanguageModeling || meta.Pretrained == nil || meta.Pretrained.ModelType != "gpt2" || meta.Pretrained.LoRA == nil {
		t.Fatalf("model.json: %+v", meta)
	}
	logits, ids, mask := logitsOf(t, dir)
	if len(logits) != 2*6*320 {
		t.Fatalf("%d logits", len(logits))
	}
	writeForCheck(t, "gpt2-lora", dir, ids, mask, logits)
}

// TestPretrainedFullFineTuneChangesWeights trains every weight of tiny-llama.
func TestPretrainedFullFineTuneChangesWeights(t *testing.T) {
	dir := fineTune(t, "tiny-llama", map[string]any{}, lmTable(t))
	got := openWeights(t, filepath.Join(dir, "model.safetensors"))
	orig := openWeights(t, filepath.Join(testutil.Fixture(t, "hf/tiny-llama"), "model.safetensors"))
	a, _, _ := orig.Float32("model.layers.0.self_attn.q_proj.weight")
	b, _, _ := got.Float32("model.layers.0.self_attn.q_proj.weight")
	if slices.Equal(a, b) {
		t.Error("a full fine-tune left q_proj unchanged")
	}
	logits, ids, mask := logitsOf(t, dir)
	writeForCheck(t, "llama-full", dir, ids, mask, logits)
}

func TestPretrainedErrors(t *testing.T) {
	dir := testutil.Fixture(t, "hf/tiny-gpt2")
	for name, c := range map[string]struct {
		params map[string]any
		want   string
	}{
		"decoder classifier": {map[string]any{"model": map[string]any{"from": dir}, "task": "classification"}, "task classification needs an encoder (bert, roberta, distilbert); model.from " + dir + " is a gpt2 decoder"},
		"type and from":      {map[string]any{"model": map[string]any{"from": dir, "type": "bag_of_tokens"}}, "drop model.type"},
		"sizes":              {map[string]any{"model": map[string]any{"from": dir, "d_model": int64(8)}}, "model.d_model: a pretrained model's sizes come from its config.json"},
		"too long":           {map[string]any{"model": map[string]any{"from": dir, "seq_len": int64(65)}}, "model.seq_len = 65 is more than the 64 positions"},
		"no dir":             {map[string]any{"model": map[string]any{"from": "/nonexistent"}}, "/nonexistent is not a Hugging Face model directory: it has no config.json"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parseOptions(c.params, []string{InputTrain}, "")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
	if _, err := parseOptions(map[string]any{"lora": map[string]any{"modules_to_save": []any{"LayerNorm"}}}, []string{InputTrain, InputBase}, ""); err == nil ||
		!strings.Contains(err.Error(), "lora.modules_to_save applies to a pretrained model (model.from)") {
		t.Errorf("modules_to_save without model.from: %v", err)
	}
	bert := testutil.Fixture(t, "hf/tiny-bert")
	for modules, want := range map[string]string{
		"LayerNormX": `lora.modules_to_save: "LayerNormX" names no module of the model (module names end like word_embeddings,`,
		"query":      `lora.modules_to_save: "query" names encoder.layer.0.attention.self.query, which lora.targets adapts already`,
	} {
		in := filepath.Join(t.TempDir(), "train.parquet")
		classTable(t)(in)
		env := newEnv(t, map[string]any{"model": map[string]any{"from": bert, "seq_len": int64(16)}, "task": "classification", "steps": int64(1),
			"lora": map[string]any{"targets": []any{"query"}, "modules_to_save": []any{modules}}}, map[string]string{InputTrain: in}, "")
		if _, err := (Kind{}).Run(context.Background(), env); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("modules_to_save [%s]: got %v, want %q", modules, err, want)
		}
	}
	// Data tokenized with another vocabulary.
	in := filepath.Join(t.TempDir(), "train.parquet")
	if err := data.WriteTable(in, [][]int32{{1, 2}}, "", nil, testTokenizer); err != nil {
		t.Fatal(err)
	}
	env := newEnv(t, map[string]any{"model": map[string]any{"from": dir}, "steps": int64(1)}, map[string]string{InputTrain: in}, "")
	if _, err := (Kind{}).Run(context.Background(), env); err == nil || !strings.Contains(err.Error(), "was tokenized with 40 tokens but "+dir+" takes 320") {
		t.Fatalf("vocabulary mismatch: %v", err)
	}
}

// openWeights opens a safetensors file for the rest of the test.
func openWeights(t *testing.T, path string) *safetensors.File {
	t.Helper()
	f, err := safetensors.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// writeForCheck copies an export and the logits computed here to
// -export-dir, where scripts/hf/check_export.py loads the export with
// transformers (and peft) and compares.
func writeForCheck(t *testing.T, name, dir string, ids []int32, mask []float32, logits []float32) {
	t.Helper()
	if *exportDir == "" {
		return
	}
	dst := filepath.Join(*exportDir, name)
	if err := os.CopyFS(dst, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"input_ids": ids, "attention_mask": mask, "rows": 2, "logits": logits})
	if err := os.WriteFile(filepath.Join(dst, "go_logits.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPlainHuggingFaceDirectoryAsBase fine-tunes a `base:` input that is a
// Hugging Face directory (no model.json) as model.from would.
func TestPlainHuggingFaceDirectoryAsBase(t *testing.T) {
	in := filepath.Join(t.TempDir(), "train.parquet")
	lmTable(t)(in)
	params := map[string]any{"model": map[string]any{"seq_len": int64(16)}, "steps": int64(2), "batch_size": int64(4), "checkpoint_every": int64(0),
		"lora": map[string]any{"rank": int64(2)}}
	inputs := map[string]string{InputTrain: in, InputBase: testutil.Fixture(t, "hf/tiny-gpt2")}
	if _, err := (Kind{}).Plan(stagesPlanRequest(params, inputs)); err != nil {
		t.Fatalf("plan: %v", err)
	}
	env := newEnv(t, params, inputs, "")
	if _, err := (Kind{}).Run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	meta, err := modelfile.ReadMeta(env.OutPath(PortModel))
	if err != nil {
		t.Fatal(err)
	}
	if meta.Pretrained == nil || meta.Pretrained.ModelType != "gpt2" || meta.Task != modelfile.LanguageModeling || meta.Pretrained.LoRA == nil {
		t.Errorf("model.json %+v", meta)
	}
}
