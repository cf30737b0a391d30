package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// auditFixture runs a two-stage definition and returns its manifest path.
func auditFixture(t *testing.T) (string, map[string]any) {
	t.Helper()
	def := writeDef(t, `version: 1
name: audited
stages:
  a: {kind: exec, with: {cmd: "seq 1 5 > $PIPELINE_OUT/o", outputs: [o]}}
  b: {kind: exec, inputs: {x: a}, with: {cmd: "wc -l < $PIPELINE_IN_X > $PIPELINE_OUT/o", outputs: [o]}}
`)
	if code, out, errs := cli(t, "run", def, "--quiet"); code != 0 {
		t.Fatalf("run: %s %s", out, errs)
	}
	manifests, _ := filepath.Glob(filepath.Join(filepath.Dir(def), ".pipeline", "runs", "*", "manifest.json"))
	b, err := os.ReadFile(manifests[0])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return manifests[0], m
}

// A manifest whose command was edited is refused before anything runs,
// naming the stage and the field.
func TestAuditRefusesATamperedManifest(t *testing.T) {
	path, m := auditFixture(t)
	stage := m["stages"].([]any)[1].(map[string]any)
	marker := filepath.Join(t.TempDir(), "ran")
	stage["params"].(map[string]any)["cmd"] = "touch " + marker + "; wc -l < $PIPELINE_IN_X > $PIPELINE_OUT/o"
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := cli(t, "audit", path, "--reexecute")
	if code != 1 || !strings.Contains(errs, "stage b: params: they are not the ones the key was computed from") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the edited command ran")
	}
}

// An upstream object corrupted in the store is reported as such: the stage
// reading it is "input-corrupt", not "different".
func TestAuditReportsACorruptInputApart(t *testing.T) {
	path, m := auditFixture(t)
	a := m["stages"].([]any)[0].(map[string]any)
	digest := a["outputs"].([]any)[0].(map[string]any)["digest"].(string)
	obj := filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(path))), "objects", digest[5:7], digest[5:])
	if err := os.Chmod(obj, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(obj, []byte("9\n2\n3\n4\n5\n"), 0o444); err != nil {
		t.Fatal(err)
	}
	code, out, _ := cli(t, "audit", path, "--reexecute")
	if code != 1 || !strings.Contains(out, "MISMATCH a.o") || !strings.Contains(out, "identical  a") ||
		!strings.Contains(out, "input-corrupt b: input `x` (from a.o) no longer holds the recorded bytes") {
		t.Errorf("exit %d\n%s", code, out)
	}
}
