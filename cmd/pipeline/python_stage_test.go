package main

import (
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// plainPython returns a python3 that can make virtual environments, or skips.
func plainPython(t *testing.T) string {
	t.Helper()
	py, err := osexec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH: the python stage kind cannot be run here")
	}
	if out, err := osexec.Command(py, "-c", "import venv, ensurepip").CombinedOutput(); err != nil {
		t.Skipf("%s cannot make virtual environments (no venv/ensurepip module): %s", py, out)
	}
	return py
}

// sdkPython returns an interpreter with pyarrow (the mlpipe package's one
// dependency): $PIPELINE_TEST_PYTHON, which .ci/run sets, or python3 when it
// has pyarrow; without one it skips.
func sdkPython(t *testing.T) string {
	t.Helper()
	py := os.Getenv("PIPELINE_TEST_PYTHON")
	if py == "" {
		var err error
		if py, err = osexec.LookPath("python3"); err != nil {
			t.Skip("no python3 on PATH and no PIPELINE_TEST_PYTHON: the mlpipe package cannot be run here")
		}
	}
	if out, err := osexec.Command(py, "-c", "import pyarrow").CombinedOutput(); err != nil {
		t.Skipf("%s has no pyarrow, which the mlpipe package needs (set PIPELINE_TEST_PYTHON to an interpreter with it; .ci/run makes one): %s", py, lastLine(string(out)))
	}
	return py
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A locked environment is built offline from its requirements, cached, and
// rebuilt when a pin changes: the stage re-runs and explain names the
// package. A pin that does not resolve names its line, and leaves neither a
// cached result nor a half-built environment.
func TestPythonRequirementsEnterTheKey(t *testing.T) {
	py := plainPython(t)
	wheels, err := filepath.Abs(filepath.Join("..", "..", "stages", "python", "testdata", "wheels"))
	if err != nil {
		t.Fatal(err)
	}
	def := writeDef(t, `version: 1
stages:
  dep:
    kind: python
    with: {script: dep.py, requirements: requirements.txt, python: `+py+`, outputs: {v: file}}
`)
	dir := filepath.Dir(def)
	writeFile(t, filepath.Join(dir, "dep.py"), `import os, sys, tinydep
open(os.path.join(os.environ["PIPELINE_OUT"], "v"), "w").write(tinydep.VERSION + " " + sys.prefix)
`)
	reqs := func(v string) {
		writeFile(t, filepath.Join(dir, "requirements.txt"), "--no-index\n--find-links "+wheels+"\ntinydep=="+v+"\n")
	}
	version := func() string {
		t.Helper()
		code, out, errs := cli(t, "cat", def, "dep.v")
		if code != 0 {
			t.Fatalf("cat dep.v: %d %s", code, errs)
		}
		return out
	}
	reqs("0.1.0")
	if code, out, errs := cli(t, "run", def); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	first := version()
	if !strings.HasPrefix(first, "0.1.0 "+filepath.Join(dir, ".pipeline", "cache", "python", "envs")) {
		t.Fatalf("the script did not run in the built environment: %s", first)
	}
	env := stageRecord(t, lastManifest(t, def), "dep").KeyInputs.Environment
	if env["package:tinydep"] != "0.1.0" || env["lock"] != "requirements.txt" || env["python"] == "" {
		t.Errorf("manifest environment %v", env)
	}
	if code, out, _ := cli(t, "status", def, "--json"); code != 0 || !strings.Contains(out, `"state":"cached"`) {
		t.Errorf("unchanged, the stage is not cached: %s", out)
	}
	reqs("0.2.0")
	code, out, errs := cli(t, "explain", def, "dep")
	if code != 0 || !strings.Contains(out, "environment `package:tinydep` changed: 0.1.0 → 0.2.0") {
		t.Errorf("explain after a pin changed: %d %s %s", code, out, errs)
	}
	if code, out, errs := cli(t, "run", def); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	if v := version(); !strings.HasPrefix(v, "0.2.0 ") || v[6:] == first[6:] {
		t.Errorf("after the pin changed: %s (before: %s)", v, first)
	}
	reqs("9.9.9")
	code, out, errs = cli(t, "run", def)
	if code == 0 || !strings.Contains(out+errs, "with.requirements: requirements.txt:3: `tinydep==9.9.9` does not resolve") {
		t.Errorf("an unresolvable pin: exit %d %s %s", code, out, errs)
	}
	if _, out, _ := cli(t, "status", def, "--json"); strings.Contains(out, `"state":"cached"`) {
		t.Errorf("the failed stage is cached: %s", out)
	}
	envs, _ := os.ReadDir(filepath.Join(dir, ".pipeline", "cache", "python", "envs"))
	built := 0
	for _, e := range envs {
		if e.IsDir() {
			built++
			if _, err := os.Stat(filepath.Join(dir, ".pipeline", "cache", "python", "envs", e.Name(), ".pipeline-env-complete")); err != nil {
				t.Errorf("half-built environment %s left behind", e.Name())
			}
		}
	}
	if built != 2 {
		t.Errorf("%d environments built, want 2", built)
	}
	// gc keeps the cache in bounds: built environments go, later stages rebuild them.
	code, out, errs = cli(t, "gc", def)
	if code != 0 || !strings.Contains(out, "cached environment") {
		t.Errorf("gc: %d %s %s", code, out, errs)
	}
	if left, _ := os.ReadDir(filepath.Join(dir, ".pipeline", "cache", "python")); len(left) != 0 {
		t.Errorf("gc left %d cache entries", len(left))
	}
}

// Without requirements the script runs in the interpreter's own
// environment: the manifest says it is not locked, and the packages
// installed there are in the key, so an upgrade re-runs the stage.
func TestPythonUnlockedEnvironmentEntersTheKey(t *testing.T) {
	py := plainPython(t)
	venv := filepath.Join(t.TempDir(), "venv")
	if out, err := osexec.Command(py, "-m", "venv", "--without-pip", venv).CombinedOutput(); err != nil {
		t.Fatalf("making a venv: %v %s", err, out)
	}
	site, _ := filepath.Glob(filepath.Join(venv, "lib", "python*", "site-packages"))
	if len(site) != 1 {
		t.Fatalf("no site-packages in %s", venv)
	}
	install := func(v string) {
		t.Helper()
		old, _ := filepath.Glob(filepath.Join(site[0], "fakepkg-*.dist-info"))
		for _, o := range old {
			os.RemoveAll(o)
		}
		d := filepath.Join(site[0], "fakepkg-"+v+".dist-info")
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(d, "METADATA"), "Metadata-Version: 2.1\nName: FakePkg\nVersion: "+v+"\n")
	}
	install("1.0")
	def := writeDef(t, `version: 1
stages:
  s:
    kind: python
    with: {script: s.py, python: `+filepath.Join(venv, "bin", "python")+`, outputs: {o: file}}
`)
	writeFile(t, filepath.Join(filepath.Dir(def), "s.py"), `import os
open(os.path.join(os.environ["PIPELINE_OUT"], "o"), "w").write("ok")
`)
	if code, out, errs := cli(t, "run", def); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	env := stageRecord(t, lastManifest(t, def), "s").KeyInputs.Environment
	if !strings.Contains(env["lock"], "not locked") || env["package:fakepkg"] != "1.0" {
		t.Errorf("manifest environment %v", env)
	}
	install("1.1")
	if code, out, _ := cli(t, "explain", def, "s"); code != 0 || !strings.Contains(out, "environment `package:fakepkg` changed: 1.0 → 1.1") {
		t.Errorf("explain after an upgrade: %d %s", code, out)
	}
}

// A Python stage's table (written with the mlpipe package) is split,
// tokenized and trained on; a second Python stage reads the split, logs
// steps and final metrics, and writes a declared table; calls that break the
// declaration fail the stage with the port's name.
func TestPythonStageTablesFeedTheBuiltInKinds(t *testing.T) {
	py := sdkPython(t)
	def := writeDef(t, `version: 1
params: {seed: 3}
stages:
  prep:
    kind: python
    with: {script: prep.py, python: `+py+`, outputs: {data: table}, n: 120}
  sets:
    kind: split
    inputs: {data: prep.data}
    with: {fractions: {train: 0.75, test: 0.25}, stratify: label}
  tokens:
    kind: tokenize
    inputs: {train: sets.train, test: sets.test}
    with: {tokenizer: {type: whitespace, vocab_size: 64, train_on: train}, column: text, max_length: 16}
  classifier:
    kind: train
    inputs: {train: tokens.train}
    with: {model: {type: bag_of_tokens}, task: classification, label: label, lr: 0.05, steps: 40}
  baseline:
    kind: python
    inputs: {train: sets.train, test: sets.test}
    with: {script: baseline.py, python: `+py+`, outputs: {preds: table}}
`)
	dir := filepath.Dir(def)
	writeFile(t, filepath.Join(dir, "prep.py"), `import pyarrow as pa
from mlpipe import stage
n = stage.params["n"]
good, bad = ["great", "lovely", "fine"], ["awful", "poor", "broken"]
texts = [f"it was {(good if i % 2 else bad)[i % 3]} on day {i}" for i in range(n)]
stage.output("data", pa.table({"text": texts, "label": [i % 2 for i in range(n)]}))
`)
	writeFile(t, filepath.Join(dir, "baseline.py"), `import pyarrow as pa
from mlpipe import stage
train, test = stage.input("train"), stage.input("test")
good = {"great", "lovely", "fine"}
guess = [int(bool(good & set(t.split()))) for t in test.column("text").to_pylist()]
labels = test.column("label").to_pylist()
for step in range(3):
    stage.log(step=step, loss=1.0 / (step + 1))
stage.output("preds", pa.table({"label": labels, "pred": guess}))
stage.metrics(accuracy=sum(g == l for g, l in zip(guess, labels)) / len(labels), train_rows=train.num_rows)
`)
	if code, out, errs := cli(t, "run", def); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	m := lastManifest(t, def)
	prep := stageRecord(t, m, "prep")
	if prep.Outputs[0].Port != "data" || prep.Outputs[0].Rows == nil || *prep.Outputs[0].Rows != 120 {
		t.Errorf("prep outputs %+v", prep.Outputs)
	}
	b := stageRecord(t, m, "baseline")
	if b.Metrics["accuracy"] != 1 || b.Metrics["train_rows"] != 90 || b.Metrics["loss"] != 1.0/3 {
		t.Errorf("baseline metrics %v", b.Metrics)
	}
	if code, out, _ := cli(t, "cat", def, "baseline.history"); code != 0 || strings.Count(out, "\n") != 3 || !strings.Contains(out, `{"step":2,"loss":0.3333333333333333}`) {
		t.Errorf("baseline history: %s", out)
	}
	if st := stageRecord(t, m, "classifier"); st.Status != "ran" {
		t.Errorf("classifier %s", st.Status)
	}

	// Calls that break the declaration.
	for script, want := range map[string]string{
		`stage.output("pred", pa.table({"x": [1]}))`:       "output `pred` is not declared by the stage (declared: preds)",
		`stage.log(step=0, acc="high")`:                    "stage.log: metric `acc` is str 'high', not a number",
		`stage.input("val")`:                               "input `val` is not wired to this stage",
		`open(stage.output_path("preds"), "w").write("x")`: "output `preds` is declared `table` but is not a Parquet file",
	} {
		writeFile(t, filepath.Join(dir, "baseline.py"), "import pyarrow as pa\nfrom mlpipe import stage\n"+script+"\n")
		code, out, errs := cli(t, "run", def, "baseline")
		if code == 0 || !strings.Contains(out+errs, want) {
			t.Errorf("%s: exit %d, want %q in\n%s%s", script, code, want, out, errs)
		}
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// A python stage's other `with:` keys are the script's parameters, but one
// a letter away from the kind's own is a typo, not a parameter.
func TestPythonScriptParamsAndTypos(t *testing.T) {
	py := plainPython(t)
	def := writeDef(t, "version: 1\nstages:\n  s:\n    kind: python\n    with: {script: s.py, python: "+py+", requirments: r.txt}\n")
	writeFile(t, filepath.Join(filepath.Dir(def), "s.py"), "")
	if code, _, errs := cli(t, "status", def); code != 2 || !strings.Contains(errs, "parameter `requirments` of stage `s` is one letter from `requirements`") {
		t.Errorf("a typo: exit %d %s", code, errs)
	}
	def = writeDef(t, "version: 1\nstages:\n  s:\n    kind: python\n    with: {script: s.py, python: "+py+", lr: 0.5, layers: [1, 2], outputs: {o: file}}\n")
	writeFile(t, filepath.Join(filepath.Dir(def), "s.py"), `import json, os
p = json.loads(os.environ["PIPELINE_PARAMS"])
open(os.path.join(os.environ["PIPELINE_OUT"], "o"), "w").write(repr((p["lr"], p["layers"])))
`)
	if code, out, errs := cli(t, "run", def); code != 0 {
		t.Fatalf("exit %d %s %s", code, out, errs)
	}
	if _, out, _ := cli(t, "cat", def, "s.o"); out != "(0.5, [1, 2])" {
		t.Errorf("the script saw %s", out)
	}
}
