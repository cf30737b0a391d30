package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two definitions in one folder share the workspace but not their outputs:
// each has its own view, `cat` and `explain` answer for the definition asked
// about, and `cat` follows --set and names sweep points whose values hold dots.
func TestTwoDefinitionsInOneFolder(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.yaml", `version: 1
name: a
params: {word: apple}
stages:
  tokens: {kind: exec, with: {cmd: "echo ${word} > $PIPELINE_OUT/train", outputs: [train]}}
`)
	b := write("b.yaml", `version: 1
name: b
params: {lr: 0.001}
sweep: {lr: [0.001, 0.003]}
stages:
  tokens: {kind: exec, with: {cmd: "echo austen > $PIPELINE_OUT/train", outputs: [train]}}
  lm: {kind: exec, inputs: {x: tokens.train}, with: {cmd: "echo lr=${lr} > $PIPELINE_OUT/history", outputs: [history]}}
`)
	for _, def := range []string{a, b} {
		if code, out, errs := cli(t, "run", def, "--quiet"); code != 0 {
			t.Fatalf("run %s: %d %s %s", def, code, out, errs)
		}
	}
	if _, out, _ := cli(t, "cat", a, "tokens.train"); out != "apple\n" {
		t.Errorf("cat a.yaml tokens.train = %q", out)
	}
	if _, out, _ := cli(t, "cat", b, "tokens.train"); out != "austen\n" {
		t.Errorf("cat b.yaml tokens.train = %q", out)
	}
	for _, view := range []string{"a", "b"} {
		if _, err := os.Stat(filepath.Join(dir, ".pipeline", "out", view, "tokens", "train")); err != nil {
			t.Errorf("view %s: %v", view, err)
		}
	}
	if _, out, _ := cli(t, "explain", a, "tokens"); !strings.Contains(out, "nothing changed since the last run") {
		t.Errorf("explain a.yaml tokens: %s", out)
	}
	// --set: the output of the current key, or a clear answer that there is none.
	if code, _, errs := cli(t, "cat", a, "tokens.train", "--set", "word=pear"); code != 1 || !strings.Contains(errs, "no output for this definition and these parameters") {
		t.Errorf("cat --set word=pear: %d %s", code, errs)
	}
	cli(t, "run", a, "--set", "word=pear", "--quiet")
	if _, out, _ := cli(t, "cat", a, "tokens.train", "--set", "word=pear"); out != "pear\n" {
		t.Errorf("cat --set word=pear after its run = %q", out)
	}
	if _, out, _ := cli(t, "cat", a, "tokens.train"); out != "apple\n" {
		t.Errorf("cat without --set after the --set run = %q", out)
	}
	if _, out, _ := cli(t, "cat", a, "tokens.train", "--run", "latest"); out != "pear\n" {
		t.Errorf("cat --run latest = %q", out)
	}
	// A sweep point whose value holds a dot.
	if code, out, errs := cli(t, "cat", b, "lm@lr=0.003.history"); code != 0 || out != "lr=0.003\n" {
		t.Errorf("cat lm@lr=0.003.history: %d %q %s", code, out, errs)
	}
}
