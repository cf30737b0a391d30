package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append(args, "--quiet"), &out, &errb)
	return code, out.String(), errb.String()
}

func writeDef(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "p.yaml")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const okDef = `version: 1
name: ok
params: {n: 3}
stages:
  gen: {kind: exec, with: {cmd: "seq 1 ${n} > $PIPELINE_OUT/rows", outputs: [rows]}}
  sum: {kind: exec, inputs: {rows: gen}, with: {cmd: "paste -sd+ $PIPELINE_IN_ROWS | bc > $PIPELINE_OUT/total || wc -l < $PIPELINE_IN_ROWS > $PIPELINE_OUT/total", outputs: [total]}}
`

func TestExitStatuses(t *testing.T) {
	t.Setenv("PIPELINE_REMOTE", "")
	good := writeDef(t, okDef)
	bad := writeDef(t, "version: 1\nname: x\nstages:\n  a: {kind: exec, with: {cmd: 'exit 4'}}\n")
	broken := writeDef(t, "version: 1\nname: x\nstagse: {}\n")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"success", []string{"run", good}, 0, ""},
		{"stage fails", []string{"run", bad}, 1, "exit status 4"},
		{"definition error", []string{"run", broken}, 2, "did you mean `stages`"},
		{"unknown set key", []string{"run", good, "--set", "m=4"}, 2, "no parameter `m`"},
		{"unknown flag", []string{"run", good, "--jbos", "2"}, 2, "unknown flag"},
		{"missing argument", []string{"run"}, 2, "expects at least 1 argument"},
		{"missing file", []string{"status", "/nonexistent/p.yaml"}, 2, "cannot read the definition"},
		{"bad dag format", []string{"dag", good, "--format", "svg"}, 2, "--format must be"},
		{"unknown stage to explain", []string{"explain", good, "nope"}, 2, "no stage `nope`"},
		{"unknown executor", []string{"run", good, "--executor", "slurm"}, 2, "unknown --executor"},
		{"temporal without a store", []string{"run", good, "--executor", "temporal"}, 2, "needs a shared store"},
		{"temporal with --force", []string{"run", good, "--executor", "temporal", "--force"}, 2, "--force is not supported"},
		{"worker without a store", []string{"worker"}, 2, "needs a shared store"},
		{"exec-stage of an unknown key", []string{"exec-stage", "xxh3:00112233445566778899aabbccddeeff", "--remote", "file://" + t.TempDir(), "--workspace", t.TempDir()}, 2, "holds no spec"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := cli(t, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errs)
			}
			if c.want != "" && !strings.Contains(out+errs, c.want) {
				t.Errorf("output lacks %q\nstdout: %s\nstderr: %s", c.want, out, errs)
			}
		})
	}
}

func TestRunJSONContract(t *testing.T) {
	def := writeDef(t, okDef)
	code, out, errs := cli(t, "run", def, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res struct {
		RunID    string `json:"run_id"`
		Manifest string `json:"manifest"`
		Status   string `json:"status"`
		Stages   []struct {
			Name       string            `json:"name"`
			Kind       string            `json:"kind"`
			Key        string            `json:"key"`
			Status     string            `json:"status"`
			DurationMS *int64            `json:"duration_ms"`
			Outputs    map[string]string `json:"outputs"`
		} `json:"stages"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("stdout is not the run object: %v\n%s", err, out)
	}
	if res.Status != "succeeded" || res.RunID == "" || len(res.Stages) != 2 {
		t.Fatalf("result %+v", res)
	}
	for _, s := range res.Stages {
		if s.Status != "ran" || !strings.HasPrefix(s.Key, "xxh3:") || s.DurationMS == nil || len(s.Outputs) != 1 {
			t.Errorf("stage %+v", s)
		}
	}
	if _, err := os.Stat(res.Manifest); err != nil {
		t.Errorf("manifest: %v", err)
	}
	code, out, _ = cli(t, "run", def, "--json")
	if code != 0 || strings.Count(out, `"status":"cached"`) != 2 {
		t.Errorf("second run not all cached: %s", out)
	}
	code, out, _ = cli(t, "audit", res.Manifest, "--reexecute")
	if code != 0 || !strings.Contains(out, "identical") {
		t.Errorf("audit exit %d: %s", code, out)
	}
}

func TestInfoCommands(t *testing.T) {
	def := writeDef(t, okDef)
	for _, args := range [][]string{
		{"dag", def}, {"dag", def, "--format", "dot"}, {"dag", def, "--format", "mermaid"},
		{"config", def, "--set", "n=5"}, {"stages"}, {"version"}, {"status", def}, {"run", def, "--dry-run"},
	} {
		code, out, errs := cli(t, args...)
		if code != 0 || out == "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(def), ".pipeline")); !os.IsNotExist(err) {
		t.Error("status, dry-run or an info command created the workspace")
	}
	_, out, _ := cli(t, "config", def, "--set", "n=5")
	if !strings.Contains(out, "seq 1 5") {
		t.Errorf("config does not show the override:\n%s", out)
	}
}

func TestCatPrintsTableRows(t *testing.T) {
	def := writeDef(t, `version: 1
name: cat
stages:
  rows: {kind: ingest, with: {path: rows.jsonl}}
  files: {kind: exec, with: {cmd: "mkdir $PIPELINE_OUT/d && echo hi > $PIPELINE_OUT/d/a.txt", outputs: [d]}}
`)
	rows := "{\"id\": 1, \"text\": \"a,b\"}\n{\"id\": 2, \"text\": \"c\"}\n{\"id\": 3, \"text\": \"d\"}\n"
	if err := os.WriteFile(filepath.Join(filepath.Dir(def), "rows.jsonl"), []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := cli(t, "cat", def, "rows"); code != 1 {
		t.Errorf("cat before any run: exit %d, want 1", code)
	}
	if code, _, errs := cli(t, "run", def); code != 0 {
		t.Fatalf("run: %s", errs)
	}
	_, out, _ := cli(t, "cat", def, "rows", "--limit", "2")
	if out != "{\"id\":1,\"text\":\"a,b\"}\n{\"id\":2,\"text\":\"c\"}\n" {
		t.Errorf("jsonl:\n%s", out)
	}
	_, out, _ = cli(t, "cat", def, "rows.data", "--format", "csv", "--limit", "1")
	if out != "id,text\n1,\"a,b\"\n" {
		t.Errorf("csv:\n%s", out)
	}
	_, out, _ = cli(t, "cat", def, "files.d")
	if out != "a.txt\t3 bytes\n" {
		t.Errorf("directory listing:\n%s", out)
	}
	_, out, _ = cli(t, "cat", def, "files.d/a.txt")
	if out != "hi\n" {
		t.Errorf("file in a directory output: %q", out)
	}
	if code, _, _ := cli(t, "cat", def, "rows.nope"); code != 2 {
		t.Errorf("unknown port: exit %d, want 2", code)
	}
}

func TestRemoteCacheSharesRunsAcrossWorkspaces(t *testing.T) {
	def := writeDef(t, `version: 1
name: shared
stages:
  gen: {kind: exec, with: {cmd: "echo run >> calls.log; seq 1 50 > $PIPELINE_OUT/rows", outputs: [rows]}}
  sum: {kind: exec, inputs: {rows: gen}, with: {cmd: "echo run >> calls.log; wc -l < $PIPELINE_IN_ROWS > $PIPELINE_OUT/n", outputs: [n]}}
`)
	remoteURL := "file://" + t.TempDir()
	for i, ws := range []string{t.TempDir(), t.TempDir()} {
		code, out, errs := cli(t, "run", def, "--workspace", ws, "--remote", remoteURL, "--json")
		if code != 0 {
			t.Fatalf("run %d: %s %s", i, out, errs)
		}
		want := `"status":"ran"`
		if i == 1 {
			want = `"status":"cached"`
		}
		if strings.Count(out, want) != 2 {
			t.Errorf("run %d in a fresh workspace: %s", i, out)
		}
	}
	calls, _ := os.ReadFile(filepath.Join(filepath.Dir(def), "calls.log"))
	if strings.Count(string(calls), "run") != 2 {
		t.Errorf("the stages ran %d times, want 2 (once each)", strings.Count(string(calls), "run"))
	}
	if code, _, _ := cli(t, "run", def, "--remote", "nosuch://x"); code != 2 {
		t.Errorf("a bad remote URL should exit 2, got %d", code)
	}
}

func TestTemporalExecutorSubmitsNothingWhenTheRemoteHasEverything(t *testing.T) {
	def := writeDef(t, `version: 1
name: shared
stages:
  gen: {kind: exec, deps: [seed.txt], with: {cmd: "cat seed.txt > $PIPELINE_OUT/rows", outputs: [rows]}}
  sum: {kind: exec, inputs: {rows: gen}, with: {cmd: "wc -l < $PIPELINE_IN_ROWS > $PIPELINE_OUT/n", outputs: [n]}}
`)
	if err := os.WriteFile(filepath.Join(filepath.Dir(def), "seed.txt"), []byte("1\n2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	remoteURL := "file://" + t.TempDir()
	if code, out, errs := cli(t, "run", def, "--workspace", t.TempDir(), "--remote", remoteURL); code != 0 {
		t.Fatalf("filling the remote: %s %s", out, errs)
	}
	// No Temporal server listens here: a run the remote already holds must
	// not need one.
	ws := t.TempDir()
	code, out, errs := cli(t, "run", def, "--workspace", ws, "--remote", remoteURL, "--executor", "temporal", "--temporal", "127.0.0.1:1", "--json")
	if code != 0 || strings.Count(out, `"status":"cached"`) != 2 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	// The outputs were fetched into the fresh workspace.
	views, _ := filepath.Glob(filepath.Join(ws, "out", "*", "sum", "n"))
	if len(views) != 1 {
		t.Fatalf("output views: %v", views)
	}
	n, err := os.ReadFile(views[0])
	if err != nil || strings.TrimSpace(string(n)) != "2" {
		t.Fatalf("exposed output: %q, %v", n, err)
	}
	// A file outside the definition's directory cannot travel.
	outside := writeDef(t, "version: 1\nname: o\nstages:\n  a: {kind: exec, deps: [../elsewhere.txt], with: {cmd: 'true', outputs: []}}\n")
	if err := os.WriteFile(filepath.Join(filepath.Dir(filepath.Dir(outside)), "elsewhere.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = cli(t, "run", outside, "--remote", remoteURL, "--executor", "temporal")
	if code != 2 || !strings.Contains(errs, "lies outside the definition's directory") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
}
