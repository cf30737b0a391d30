package pipeline

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil"
)

// golden compares got with testdata/<name>.golden, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	testutil.Golden(t, filepath.Join("testdata", name+".golden"), []byte(got))
}

func compileFile(t *testing.T, path string, sets ...string) (*Graph, error) {
	t.Helper()
	def, err := Load(path)
	if err != nil {
		return nil, err
	}
	var ovs []Override
	for _, s := range sets {
		o, err := ParseOverride(s)
		if err != nil {
			return nil, err
		}
		ovs = append(ovs, o)
	}
	return Compile(def, ovs)
}

// TestDefinitionErrors pins the message of every kind of definition error:
// each testdata/errors/<case>.yaml must fail with the text in
// testdata/errors/<case>.golden.
func TestDefinitionErrors(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no error cases: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			var sets []string
			if name == "set-unknown" {
				sets = []string{"train.lrr=0.1"}
			}
			_, err := compileFile(t, f, sets...)
			if err == nil {
				t.Fatal("expected a definition error")
			}
			var de *Error
			var des Errors
			if !asAny(err, &de, &des) {
				t.Fatalf("error is %T, not a definition error: %v", err, err)
			}
			golden(t, "errors/"+name, err.Error()+"\n")
		})
	}
}

func asAny(err error, de **Error, des *Errors) bool {
	switch e := err.(type) {
	case *Error:
		*de = e
		return true
	case Errors:
		*des = e
		return true
	}
	return false
}

func TestInterpolationKeepsTypes(t *testing.T) {
	src := `version: 1
name: t
params: {seed: 3, train: {steps: 10, lr: 0.5}, tag: v1}
stages:
  up: {kind: exec, with: {cmd: "true", outputs: [model]}}
  t:
    kind: typed
    inputs: {train: up}
    with: {steps: "${train.steps}", lr: "${train.lr}", model: {type: "net-${tag}-$${HOME}-${train.lr}"}}
`
	def, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	g, err := Compile(def, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := g.Node("t")
	if v, ok := n.Params["steps"].(int64); !ok || v != 10 {
		t.Errorf("steps = %#v, want int64 10", n.Params["steps"])
	}
	if v, ok := n.Params["lr"].(float64); !ok || v != 0.5 {
		t.Errorf("lr = %#v, want float64 0.5", n.Params["lr"])
	}
	model := n.Params["model"].(map[string]any)
	if model["type"] != "net-v1-${HOME}-0.5" {
		t.Errorf("model.type = %q", model["type"])
	}
	if model["layers"] != int64(2) {
		t.Errorf("default model.layers = %#v, want 2", model["layers"])
	}
	if n.Params["mode"] != "fast" {
		t.Errorf("default mode = %#v", n.Params["mode"])
	}
	if n.Seed != 3 {
		t.Errorf("seed = %d, want params.seed 3", n.Seed)
	}
}

func TestOverridesAreTypedAndChecked(t *testing.T) {
	src := []byte(`version: 1
name: t
params: {train: {lr: 0.5, steps: 3}}
stages:
  a: {kind: exec, with: {cmd: "echo ${train.lr} ${train.steps}"}}
`)
	def, err := Parse("t.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	o, err := ParseOverride("train.steps=40")
	if err != nil {
		t.Fatal(err)
	}
	g, err := Compile(def, []Override{o})
	if err != nil {
		t.Fatal(err)
	}
	if got := g.Params["train"].(map[string]any)["steps"]; got != int64(40) {
		t.Errorf("overridden steps = %#v, want int64 40", got)
	}
	n, _ := g.Node("a")
	if n.Params["cmd"] != "echo 0.5 40" {
		t.Errorf("cmd = %q", n.Params["cmd"])
	}
	if def.Params["train"].(map[string]any)["steps"] != int64(3) {
		t.Error("override leaked into the definition's defaults")
	}
}

func TestSweepSharesUnreachedStages(t *testing.T) {
	g, err := compileFile(t, "testdata/sweep.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := g.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "sweep.dag", buf.String())
	buf.Reset()
	if err := g.WriteMermaid(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "sweep.mermaid", buf.String())
	buf.Reset()
	if err := g.WriteDot(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "sweep.dot", buf.String())
	y, err := g.ResolvedYAML()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "sweep.config", string(y))
}

func TestEditDistanceSuggestions(t *testing.T) {
	cases := []struct{ in, want string }{
		{"stagse", "stages"},
		{"parms", "params"},
		{"kidn", "kind"},
		{"zzzzzz", ""},
	}
	cands := append(append([]string{}, topKeys...), stageKeys...)
	for _, c := range cases {
		if got := nearest(c.in, cands); got != c.want {
			t.Errorf("nearest(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestExponentNumbersAreFloats(t *testing.T) {
	src := []byte("version: 1\nname: t\nparams: {lr: 3e-3, tag: \"1e-3\"}\nstages:\n  a: {kind: exec, with: {cmd: \"echo ${lr} ${tag}\"}}\n")
	def, err := Parse("t.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := def.Params["lr"].(float64); !ok || v != 0.003 {
		t.Errorf("lr = %#v, want float64 0.003", def.Params["lr"])
	}
	if def.Params["tag"] != "1e-3" {
		t.Errorf("a quoted number must stay a string: %#v", def.Params["tag"])
	}
	o, err := ParseOverride("lr=1e-4")
	if err != nil || o.Value != 1e-4 {
		t.Errorf("--set lr=1e-4 gives %#v (%v)", o.Value, err)
	}
}
