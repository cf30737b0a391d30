package hf_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/stages/train/hf"
)

// copyFixture copies a fixture directory so a test can damage it.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dst, os.DirFS(testutil.Fixture(t, "hf/"+name))); err != nil {
		t.Fatal(err)
	}
	return dst
}

func edit(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s has no %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBadModelDirectories(t *testing.T) {
	t.Run("shape", func(t *testing.T) {
		dir := copyFixture(t, "tiny-bert")
		edit(t, filepath.Join(dir, "config.json"), `"intermediate_size": 64`, `"intermediate_size": 48`)
		m, err := hf.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		_, err = m.Values(m.Config.BaseParams(), nil)
		want := filepath.Join(dir, "model.safetensors") + `: tensor "encoder.layer.0.intermediate.dense.weight" has shape [64 32], config.json implies [48 32]`
		if err == nil || err.Error() != want {
			t.Fatalf("got %v\nwant %s", err, want)
		}
	})
	t.Run("missing tensor", func(t *testing.T) {
		dir := copyFixture(t, "tiny-bert")
		edit(t, filepath.Join(dir, "config.json"), `"num_hidden_layers": 2`, `"num_hidden_layers": 3`)
		m, err := hf.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if _, err := m.Values(m.Config.BaseParams(), nil); err == nil || !strings.Contains(err.Error(), `tensor "encoder.layer.2.attention.self.query.weight" is missing`) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("no weights", func(t *testing.T) {
		dir := copyFixture(t, "tiny-bert")
		if err := os.Remove(filepath.Join(dir, "model.safetensors")); err != nil {
			t.Fatal(err)
		}
		if _, err := hf.Open(dir); err == nil || !strings.Contains(err.Error(), dir+" has neither model.safetensors nor model.safetensors.index.json") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("truncated weights", func(t *testing.T) {
		dir := copyFixture(t, "tiny-bert")
		p := filepath.Join(dir, "model.safetensors")
		if err := os.Truncate(p, 5000); err != nil {
			t.Fatal(err)
		}
		if _, err := hf.Open(dir); err == nil || !strings.Contains(err.Error(), p+": tensors need") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("tokenizer larger than the embeddings", func(t *testing.T) {
		dir := copyFixture(t, "tiny-bert")
		edit(t, filepath.Join(dir, "config.json"), `"vocab_size": 320`, `"vocab_size": 300`)
		m, err := hf.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if _, err := m.CheckTokenizer(); err == nil || !strings.Contains(err.Error(), "tokenizer.json has 320 tokens but the embedding matrix of "+filepath.Join(dir, "config.json")+" has 300 rows") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("unsupported model_type", func(t *testing.T) {
		dir := copyFixture(t, "tiny-bert")
		edit(t, filepath.Join(dir, "config.json"), `"model_type": "bert"`, `"model_type": "t5"`)
		if _, err := hf.Open(dir); err == nil || !strings.Contains(err.Error(), `config.json: model_type "t5" is not supported (supported: bert, roberta, distilbert, gpt2, llama)`) {
			t.Fatalf("got %v", err)
		}
	})
}
