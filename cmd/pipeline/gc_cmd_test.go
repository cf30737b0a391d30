package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

const gcDef = `version: 1
name: gc
params: {v: 1}
stages:
  a: {kind: exec, with: {cmd: "echo ${v} > $PIPELINE_OUT/o", outputs: [o]}}
`

// runThree runs gcDef with v=1, 2 and 3 and returns the definition's path.
func runThree(t *testing.T) string {
	t.Helper()
	def := writeDef(t, gcDef)
	for _, v := range []string{"1", "2", "3"} {
		if code, _, errs := cli(t, "run", def, "--set", "v="+v); code != 0 {
			t.Fatalf("run: %s", errs)
		}
	}
	return def
}

func TestGCCommand(t *testing.T) {
	def := runThree(t)
	ws := filepath.Join(filepath.Dir(def), ".pipeline")
	code, out, errs := cli(t, "gc", def, "--keep-runs", "1", "--dry-run")
	if code != 0 || !strings.Contains(out, "would remove 2 runs") || !strings.Contains(out, "2 objects (4 B)") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = cli(t, "gc", "--workspace", ws, "--keep-runs", "1", "--json")
	if code != 0 {
		t.Fatalf("gc: exit %d: %s", code, errs)
	}
	var rep struct {
		RemovedRuns []string `json:"removed_runs"`
		Objects     struct{ Count, Bytes int64 }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.RemovedRuns) != 2 || rep.Objects.Count != 2 {
		t.Errorf("gc --json: %v\n%s", err, out)
	}
	code, out, _ = cli(t, "gc", def)
	if code != 0 || !strings.HasPrefix(out, "removed 0 runs") || !strings.Contains(out, "freed 0 B") {
		t.Errorf("second gc: exit %d\n%s", code, out)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"gc", def, "--keep-runs", "-1"}, 2, "--keep-runs must be 0 or more"},
		{[]string{"gc", def, "--workspace", ws}, 2, "not both"},
		{[]string{"gc", "/nonexistent/p.yaml"}, 2, "cannot read the definition"},
		{[]string{"gc", "--workspace", filepath.Join(t.TempDir(), "none")}, 2, "no workspace"},
		{[]string{"gc", def, "extra"}, 2, "accepts at most 1 arg"},
	} {
		code, out, errs := cli(t, c.args...)
		if code != c.code || !strings.Contains(out+errs, c.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s%s", c.args, code, c.code, c.want, out, errs)
		}
	}
}

func TestDuCommand(t *testing.T) {
	def := runThree(t)
	code, out, errs := cli(t, "du", def)
	if code != 0 {
		t.Fatalf("du: %s", errs)
	}
	for _, want := range []string{"objects  ", "by", "a  ", "succeeded"} {
		if !strings.Contains(out, want) {
			t.Errorf("du lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = cli(t, "du", def, "--json")
	var u struct {
		Objects struct{ Count int }
		ByStage []struct {
			Stage   string
			Objects struct{ Count int }
		} `json:"by_stage"`
		ByRun []struct{ ID string } `json:"by_run"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &u) != nil || u.Objects.Count != 3 || len(u.ByStage) != 1 || u.ByStage[0].Objects.Count != 3 || len(u.ByRun) != 3 {
		t.Errorf("du --json: exit %d\n%s", code, out)
	}
}

// runsRm runs `rm` under a `runs` parent that, like the real one, gives
// its subcommands --workspace and --file, and returns the exit status and output.
func runsRm(t *testing.T, args ...string) (int, string) {
	t.Helper()
	c := &cobra.Command{Use: "runs"}
	var ws, file string
	c.PersistentFlags().StringVar(&ws, "workspace", "", "")
	c.PersistentFlags().StringVarP(&file, "file", "f", "", "")
	c.AddCommand(newRunsRmCmd())
	var out bytes.Buffer
	c.SetArgs(append([]string{"rm"}, args...))
	c.SetOut(&out)
	c.SetErr(&out)
	c.SilenceUsage, c.SilenceErrors = true, true
	if err := c.Execute(); err != nil {
		return exitCode(err), out.String() + err.Error()
	}
	return 0, out.String()
}

func TestRunsRmCommand(t *testing.T) {
	def := runThree(t)
	ws := filepath.Join(filepath.Dir(def), ".pipeline")
	runs := func() []string {
		entries, _ := os.ReadDir(filepath.Join(ws, "runs"))
		var ids []string
		for _, e := range entries {
			ids = append(ids, e.Name())
		}
		return ids
	}
	ids := runs()
	if len(ids) != 3 {
		t.Fatalf("runs %v", ids)
	}
	code, out := runsRm(t, ids[0], def)
	if code != 0 || !strings.Contains(out, "removed run "+ids[0]) {
		t.Errorf("rm by id: exit %d: %s", code, out)
	}
	code, out = runsRm(t, "latest", "--workspace", ws)
	if code != 0 || !strings.Contains(out, "removed run "+ids[2]) {
		t.Errorf("rm latest: exit %d: %s", code, out)
	}
	code, out = runsRm(t, ids[1][:len(ids[1])-2], "-f", def)
	if code != 0 || !strings.Contains(out, "removed run "+ids[1]) {
		t.Errorf("rm by prefix with --file: exit %d: %s", code, out)
	}
	if left := runs(); len(left) != 0 {
		t.Errorf("runs left %v", left)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"nope", def}, 1, "no runs in workspace"},
		{[]string{}, 2, "expects a run ID"},
		{[]string{"latest", def, "--workspace", ws}, 2, "not both"},
		{[]string{"latest", def, "--file", "other.yaml"}, 2, "give the definition once"},
	} {
		code, out := runsRm(t, c.args...)
		if code != c.code || !strings.Contains(out, c.want) {
			t.Errorf("%v: exit %d, want %d with %q: %s", c.args, code, c.code, c.want, out)
		}
	}
}
