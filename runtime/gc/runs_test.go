package gc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/runtime"
)

func TestResolveRun(t *testing.T) {
	p := threeRuns(t)
	ws := p.ws()
	p.run("other-1", "v=3")
	cases := []struct{ ref, want, err string }{
		{ref: "latest", want: "other-1"},
		{ref: "run-2", want: "run-2"},
		{ref: "oth", want: "other-1"},
		{ref: "run-", err: "ambiguous: run-1, run-2, run-3"},
		{ref: "nope", err: `no run "nope"`},
		{ref: "", err: `no run ""`},
	}
	for _, c := range cases {
		got, err := ResolveRun(ws, c.ref)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: got %q, %v; want error %q", c.ref, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: got %q, %v; want %q", c.ref, got, err, c.want)
		}
	}
	empty, _ := runtime.OpenWorkspace(t.TempDir())
	if _, err := ResolveRun(empty, "latest"); err == nil || !strings.Contains(err.Error(), "no runs") {
		t.Errorf("latest of no runs: %v", err)
	}
}

func TestListRunsNewestFirst(t *testing.T) {
	p := threeRuns(t)
	ws := p.ws()
	if err := os.MkdirAll(filepath.Join(ws.Root, "runs", "zz-killed", "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	runs, err := ListRuns(ws)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range runs {
		ids = append(ids, r.ID)
		if r.Complete() != (r.ID != "zz-killed") {
			t.Errorf("%s complete=%v", r.ID, r.Complete())
		}
	}
	if got := strings.Join(ids, " "); got != "zz-killed run-3 run-2 run-1" {
		t.Errorf("order %s", got)
	}
}

func TestRemoveRun(t *testing.T) {
	p := threeRuns(t)
	ws := p.ws()
	before := objectCount(t, ws)
	freed, err := RemoveRun(ws, "run-1")
	if err != nil {
		t.Fatal(err)
	}
	if freed.Count != 1 || freed.Bytes == 0 {
		t.Errorf("freed %+v", freed)
	}
	if _, err := os.Stat(ws.RunDir("run-1")); !os.IsNotExist(err) {
		t.Errorf("run directory still there: %v", err)
	}
	if after := objectCount(t, ws); after != before {
		t.Errorf("removing a run removed objects: %d -> %d", before, after)
	}
	if _, err := RemoveRun(ws, "run-1"); err == nil {
		t.Error("removing a removed run succeeded")
	}
	for _, bad := range []string{"", "../x", ".rm-x"} {
		if _, err := RemoveRun(ws, bad); err == nil || !strings.Contains(err.Error(), "invalid run id") {
			t.Errorf("RemoveRun(%q): %v", bad, err)
		}
	}
	// A run without a manifest may be in progress: removed only when no
	// pipeline holds the workspace.
	if err := os.MkdirAll(filepath.Join(ws.RunDir("busy"), "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	held, err := runtime.LockWorkspace(ws.Root, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := RemoveRun(ws, "busy"); err == nil || !strings.Contains(err.Error(), "may be that run") {
		t.Errorf("removing a run in progress: %v", err)
	}
	if _, err := RemoveRun(ws, "run-2"); err != nil {
		t.Errorf("a finished run is removable while another runs: %v", err)
	}
	held.Unlock()
	if _, err := RemoveRun(ws, "busy"); err != nil {
		t.Errorf("removing a killed run's leftovers: %v", err)
	}
	checkConsistent(t, ws)
}
