package hf_test

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"

	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/stages/train/backend"
	"github.com/mlpipe/pipeline/stages/train/engine"
	"github.com/mlpipe/pipeline/stages/train/hf"
)

// golden is a fixture's golden.json, written by scripts/hf/make_fixtures.py
// from transformers' outputs.
type golden struct {
	Inputs []struct {
		Text          string  `json:"text"`
		InputIDs      []int32 `json:"input_ids"`
		AttentionMask []int32 `json:"attention_mask"`
	} `json:"inputs"`
	LastHidden [][][]float64 `json:"last_hidden_state"`
	Pooled     [][]float64   `json:"mean_pooled_normalized"`
	Logits     [][][]float64 `json:"logits"`
	Merged     [][][]float64 `json:"merged_logits"`
	// MergedHidden is an encoder adapter's merged last_hidden_state.
	MergedHidden [][][]float64 `json:"merged_last_hidden_state"`
}

func readGolden(t *testing.T, dir string) *golden {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return &g
}

// batch flattens the golden inputs.
func (g *golden) batch() (ids []int32, mask []float32, rows, seq int) {
	rows, seq = len(g.Inputs), len(g.Inputs[0].InputIDs)
	for _, in := range g.Inputs {
		ids = append(ids, in.InputIDs...)
		for _, m := range in.AttentionMask {
			mask = append(mask, float32(m))
		}
	}
	return ids, mask, rows, seq
}

// run opens a fixture and runs its forward pass on the golden inputs of
// goldenDir, with the PEFT adapters of loraDir when it is not "".
func run(t *testing.T, dir, goldenDir, loraDir string, net hf.Net) ([]float32, []int) {
	t.Helper()
	m, err := hf.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	net.Config = m.Config
	specs := net.Params()
	values, err := m.Values(specs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if loraDir != "" {
		l, err := hf.ReadAdapterConfig(loraDir)
		if err != nil {
			t.Fatal(err)
		}
		ad, err := l.Params(m.Config, m.Config.BaseParams())
		if err != nil {
			t.Fatal(err)
		}
		vals, err := hf.ReadAdapters(loraDir, ad)
		if err != nil {
			t.Fatal(err)
		}
		if net.LoRA == nil { // merged: fold the adapters into the weights
			byName, dims := map[string][]float32{}, map[string][]int{}
			for i, s := range specs {
				byName[s.Name], dims[s.Name] = values[i], s.Dims
			}
			for i, s := range ad {
				byName[s.Name], dims[s.Name] = vals[i], s.Dims
			}
			if err := l.Merge(m.Config, byName, dims); err != nil {
				t.Fatal(err)
			}
		} else {
			net.LoRA = l
			specs, values = append(specs, ad...), append(values, vals...)
		}
	}
	b, err := backend.Open(backend.Default)
	if err != nil {
		t.Fatal(err)
	}
	p, err := engine.NewPredictor(b, net, specs, values)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ids, mask, rows, seq := readGolden(t, goldenDir).batch()
	out, dims, err := p.Run(ids, mask, rows, seq)
	if err != nil {
		t.Fatal(err)
	}
	return out, dims
}

// compare checks got against want within tol, at the positions where keep says.
func compare(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, golden has %d", what, len(got), len(want))
	}
	worst, at := 0.0, 0
	for i := range got {
		if d := math.Abs(float64(got[i]) - want[i]); d > worst || math.IsNaN(d) {
			worst, at = d, i
		}
	}
	if worst > tol || math.IsNaN(worst) {
		t.Errorf("%s: largest difference %.3g at %d (got %g, want %g), tolerance %g", what, worst, at, got[at], want[at], tol)
	}
	t.Logf("%s: largest difference %.3g over %d values", what, worst, len(got))
}

func flat3(v [][][]float64) []float64 {
	var out []float64
	for _, a := range v {
		for _, b := range a {
			out = append(out, b...)
		}
	}
	return out
}

func flat2(v [][]float64) []float64 {
	var out []float64
	for _, a := range v {
		out = append(out, a...)
	}
	return out
}

// tol is the bar for logits and hidden states against transformers.
const tol = 1e-4

func TestEncodersMatchTransformers(t *testing.T) {
	for _, name := range []string{"tiny-bert", "tiny-roberta", "tiny-distilbert"} {
		t.Run(name, func(t *testing.T) {
			dir := testutil.Fixture(t, "hf/"+name)
			g := readGolden(t, dir)
			hidden, _ := run(t, dir, dir, "", hf.Net{Output: hf.Hidden})
			compare(t, "last_hidden_state", hidden, flat3(g.LastHidden), tol)
			pooled, _ := run(t, dir, dir, "", hf.Net{Output: hf.Embedding})
			compare(t, "mean_pooled_normalized", pooled, flat2(g.Pooled), tol)
		})
	}
}

func TestDecodersMatchTransformers(t *testing.T) {
	for _, name := range []string{"tiny-gpt2", "tiny-llama"} {
		t.Run(name, func(t *testing.T) {
			dir := testutil.Fixture(t, "hf/"+name)
			g := readGolden(t, dir)
			logits, dims := run(t, dir, dir, "", hf.Net{})
			if len(dims) != 3 {
				t.Fatalf("logits dims %v", dims)
			}
			compare(t, "logits", logits, flat3(g.Logits), tol)
		})
	}
}

var (
	miniLMDir = flag.String("minilm-dir", "", "a directory holding all-MiniLM-L6-v2 as safetensors (scripts/hf/check_minilm.py makes one)")
	miniLMRef = flag.String("minilm-reference", "", "sentence-transformers' embeddings of the same model (scripts/hf/check_minilm.py writes them)")
)

// TestMiniLMReference compares sentence embeddings of all-MiniLM-L6-v2 with
// sentence-transformers' on the sentences of a reference file. The weights
// (90 MB) are not in the repository: scripts/hf/check.sh fetches them and
// runs this test with -minilm-dir and -minilm-reference.
func TestMiniLMReference(t *testing.T) {
	if *miniLMDir == "" || *miniLMRef == "" {
		t.Skip("needs -minilm-dir and -minilm-reference: the 90 MB weights are not committed; scripts/hf/check.sh runs this test")
	}
	b, err := os.ReadFile(*miniLMRef)
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		InputIDs      [][]int32   `json:"input_ids"`
		AttentionMask [][]int32   `json:"attention_mask"`
		Embeddings    [][]float64 `json:"embeddings"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	m, err := hf.Open(*miniLMDir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	net := hf.Net{Config: m.Config, Output: hf.Embedding}
	specs := net.Params()
	values, err := m.Values(specs, nil)
	if err != nil {
		t.Fatal(err)
	}
	be, err := backend.Open(backend.Default)
	if err != nil {
		t.Fatal(err)
	}
	p, err := engine.NewPredictor(be, net, specs, values)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const batch = 32
	worst := 1.0
	for start := 0; start < len(ref.InputIDs); start += batch {
		end := min(start+batch, len(ref.InputIDs))
		seq := 0
		for _, r := range ref.InputIDs[start:end] {
			seq = max(seq, len(r))
		}
		rows := end - start
		ids, mask := make([]int32, rows*seq), make([]float32, rows*seq)
		for r := range rows {
			for j, id := range ref.InputIDs[start+r] {
				ids[r*seq+j] = id
				mask[r*seq+j] = float32(ref.AttentionMask[start+r][j])
			}
		}
		out, dims, err := p.Run(ids, mask, rows, seq)
		if err != nil {
			t.Fatal(err)
		}
		d := dims[1]
		for r := range rows {
			worst = math.Min(worst, cosine(out[r*d:(r+1)*d], ref.Embeddings[start+r]))
		}
	}
	t.Logf("%d sentences: lowest cosine similarity to sentence-transformers %.7f", len(ref.InputIDs), worst)
	if worst < 0.9999 {
		t.Errorf("lowest cosine similarity %.7f < 0.9999", worst)
	}
}

func cosine(a []float32, b []float64) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * b[i]
		aa += float64(a[i]) * float64(a[i])
		bb += b[i] * b[i]
	}
	return ab / math.Sqrt(aa*bb)
}

// TestPEFTAdaptersMatchPEFT runs PEFT adapters made with non-zero B on the
// tiny fixtures, both as adapters beside the weights and merged into them.
func TestPEFTAdaptersMatchPEFT(t *testing.T) {
	for _, c := range []struct{ base, adapter string }{{"tiny-gpt2", "tiny-gpt2-lora"}, {"tiny-bert", "tiny-bert-lora"}} {
		t.Run(c.adapter, func(t *testing.T) {
			base, ad := testutil.Fixture(t, "hf/"+c.base), testutil.Fixture(t, "hf/"+c.adapter)
			g := readGolden(t, ad)
			net := hf.Net{}
			want, wantMerged := flat3(g.Logits), flat3(g.Merged)
			if g.Logits == nil {
				net.Output = hf.Hidden
				want, wantMerged = flat3(g.LastHidden), flat3(g.MergedHidden)
			}
			withLoRA := net
			withLoRA.LoRA = &hf.LoRA{} // replaced by the adapter config
			got, _ := run(t, base, ad, ad, withLoRA)
			compare(t, "with adapters", got, want, tol)
			merged, _ := run(t, base, ad, ad, net)
			compare(t, "merged", merged, wantMerged, tol)
			plain, _ := run(t, base, ad, "", net)
			if d := maxDiff(plain, want); d < 1e-3 {
				t.Errorf("the adapters change the outputs by only %g: the fixture does not test them", d)
			}
		})
	}
}

func maxDiff(a []float32, b []float64) float64 {
	worst := 0.0
	for i := range a {
		worst = math.Max(worst, math.Abs(float64(a[i])-b[i]))
	}
	return worst
}

// TestBFloat16Compute runs the decoders in bfloat16 on SimpleGo: the logits
// stay near transformers' float32 ones (bfloat16 keeps 8 bits of mantissa).
func TestBFloat16Compute(t *testing.T) {
	for _, name := range []string{"tiny-gpt2", "tiny-llama"} {
		t.Run(name, func(t *testing.T) {
			dir := testutil.Fixture(t, "hf/"+name)
			logits, _ := run(t, dir, dir, "", hf.Net{DType: dtypes.BFloat16})
			compare(t, "bfloat16 logits", logits, flat3(readGolden(t, dir).Logits), 0.05)
		})
	}
}
