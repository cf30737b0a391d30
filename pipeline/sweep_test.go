package pipeline

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func compileSrc(t *testing.T, src string, sets ...string) (*Graph, error) {
	t.Helper()
	def, err := Parse("s.yaml", []byte(src))
	if err != nil {
		return nil, err
	}
	var ovs []Override
	for _, s := range sets {
		o, err := ParseOverride(s)
		if err != nil {
			t.Fatal(err)
		}
		ovs = append(ovs, o)
	}
	return Compile(def, ovs)
}

func instanceNames(g *Graph, stage string) []string {
	var out []string
	for _, n := range g.Nodes {
		if n.Stage == stage {
			out = append(out, n.Name)
		}
	}
	sort.Strings(out)
	return out
}

const sweepSrc = `version: 1
name: s
params: {lr: 0.1, d: 8, heads: 1, wd: 0.0}
sweep:
  wd: [0.0, 0.1]
  zip:
    d: [8, 16]
    heads: [1, 2]
stages:
  t: {kind: exec, with: {cmd: "echo ${lr} ${d} ${heads} ${wd} > $PIPELINE_OUT/o", outputs: [o]}}
`

// A zip group advances its lists together, crossed with the grid's axes;
// a --set on a swept parameter fixes it, dropping its axis.
func TestSweepZipAndSet(t *testing.T) {
	g, err := compileSrc(t, sweepSrc)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"t@d=16,heads=2,wd=0", "t@d=16,heads=2,wd=0.1", "t@d=8,heads=1,wd=0", "t@d=8,heads=1,wd=0.1"}
	if got := instanceNames(g, "t"); !reflect.DeepEqual(got, want) {
		t.Errorf("instances %v, want %v", got, want)
	}
	g, err = compileSrc(t, sweepSrc, "wd=0.5", "heads=4")
	if err != nil {
		t.Fatal(err)
	}
	if got := instanceNames(g, "t"); !reflect.DeepEqual(got, []string{"t@d=16", "t@d=8"}) {
		t.Errorf("with --set wd and heads: %v", got)
	}
	n, _ := g.Node("t@d=8")
	if n.Params["cmd"] != "echo 0.1 8 4 0.5 > $PIPELINE_OUT/o" {
		t.Errorf("cmd %q", n.Params["cmd"])
	}
}

const randomSrc = `version: 1
name: r
params: {lr: 0.1, drop: 0.0, layers: 2, opt: adam}
sweep:
  random:
    count: 5
    seed: 11
    params:
      lr: {log_uniform: [1.0e-4, 1.0e-2]}
      drop: {uniform: [0, 0.3]}
      layers: {int: [2, 4]}
      opt: [adam, sgd]
stages:
  t: {kind: exec, with: {cmd: "echo ${lr} ${drop} ${layers} ${opt} > $PIPELINE_OUT/o", outputs: [o]}}
`

// A random search draws count points from each distribution, the same
// points for the same seed, within the bounds, floats to 4 digits.
func TestSweepRandom(t *testing.T) {
	g1, err := compileSrc(t, randomSrc)
	if err != nil {
		t.Fatal(err)
	}
	g2, _ := compileSrc(t, randomSrc)
	a, b := instanceNames(g1, "t"), instanceNames(g2, "t")
	if !reflect.DeepEqual(a, b) || len(a) < 4 {
		t.Fatalf("draws differ or collapse: %v vs %v", a, b)
	}
	g3, _ := compileSrc(t, strings.Replace(randomSrc, "seed: 11", "seed: 12", 1))
	if reflect.DeepEqual(a, instanceNames(g3, "t")) {
		t.Error("another seed draws the same points")
	}
	for _, n := range g1.Nodes {
		lr := n.Point["lr"].(float64)
		drop := n.Point["drop"].(float64)
		layers := n.Point["layers"].(int64)
		opt := n.Point["opt"].(string)
		if lr < 1e-4 || lr > 1e-2 || drop < 0 || drop > 0.3 || layers < 2 || layers > 4 || (opt != "adam" && opt != "sgd") {
			t.Errorf("point out of bounds: %v", n.Point)
		}
		if round4(lr) != lr {
			t.Errorf("lr %v not rounded to 4 digits", lr)
		}
	}
}

func TestSweepGroupErrors(t *testing.T) {
	cases := map[string]string{
		"zip: {d: [8, 16], lr: [1]}":                                       "has 1 values, the others 2",
		"random: {count: 0, seed: 1, params: {lr: [1]}}":                   "`count` must be a whole number from 1 to 10000",
		"random: {count: 2, params: {lr: [1]}}":                            "`seed` must be a whole number",
		"random: {count: 2, seed: 1, params: {lr: {normal: [0, 1]}}}":      "unknown distribution `normal`",
		"random: {count: 2, seed: 1, params: {lr: {log_uniform: [0, 1]}}}": "log_uniform needs lo > 0",
		"random: {count: 2, seed: 1, params: {lr: {uniform: [2, 1]}}}":     "two numbers with lo <= hi",
		"random: {count: 2, seed: 1, params: {nope: [1]}}":                 "matches no parameter",
		"{lr: [1, 2], zip: {lr: [3, 4], d: [1, 2]}}":                       "`lr` is swept twice",
	}
	for sweep, want := range cases {
		src := "version: 1\nname: e\nparams: {lr: 0.1, d: 8}\nsweep: " + sweep + "\nstages:\n  t: {kind: exec, with: {cmd: \"echo ${lr} ${d} > $PIPELINE_OUT/o\", outputs: [o]}}\n"
		if strings.HasPrefix(sweep, "{") {
			src = strings.Replace(src, "sweep: "+sweep, "sweep:\n  lr: [1, 2]\n  zip: {lr: [3, 4], d: [1, 2]}", 1)
		} else {
			src = strings.Replace(src, "sweep: "+sweep, "sweep:\n  "+sweep, 1)
		}
		_, err := compileSrc(t, src)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", sweep, err, want)
		}
	}
}

// A dep may be a glob: each file it matches is a dep; one matching
// nothing is an error naming it.
func TestGlobDeps(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"data/a.csv", "data/b.csv", "data/c.txt"} {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := "version: 1\nname: g\nstages:\n  s: {kind: exec, deps: [\"data/*.csv\"], with: {cmd: \"true\", outputs: [o]}}\n"
	def, err := Parse(filepath.Join(dir, "p.yaml"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	g, err := Compile(def, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := g.Node("s")
	if !reflect.DeepEqual(n.Deps, []string{"data/a.csv", "data/b.csv"}) {
		t.Errorf("deps %v", n.Deps)
	}
	def, _ = Parse(filepath.Join(dir, "p.yaml"), []byte(strings.Replace(src, "*.csv", "*.json", 1)))
	if _, err := Compile(def, nil); err == nil || !strings.Contains(err.Error(), "dep `data/*.json` of stage `s` matches no file") {
		t.Errorf("a glob matching nothing: %v", err)
	}
}
