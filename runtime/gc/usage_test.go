package gc

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/runtime/records"
)

func TestDiskUsage(t *testing.T) {
	p := threeRuns(t)
	ws := p.ws()
	before := snapshot(t, p.dir)
	u, err := DiskUsage(ws)
	if err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, p.dir); after != before {
		t.Error("du changed the workspace")
	}
	// a, b, d for each of three values, and k once.
	if u.Objects.Count != 10 || u.Current.Count != 4 || u.Unreferenced.Count != 0 || u.Records.Count != 10 || u.Runs.Count != 3 {
		t.Errorf("areas %+v", u)
	}
	if u.Bytes != u.Objects.Bytes+u.Records.Bytes+u.Runs.Bytes+u.Scratch.Bytes+u.Temp.Bytes {
		t.Errorf("total %d does not add up", u.Bytes)
	}
	var stages []string
	for _, s := range u.ByStage {
		stages = append(stages, s.Stage+":"+strings.TrimSpace(s.Objects.render("object")))
	}
	if got := strings.Join(stages, " "); got != "b:3 objects (12 B) a:3 objects (6 B) d:3 objects (6 B) k:1 object (2 B)" {
		t.Errorf("by stage: %s", got)
	}
	var runs []string
	for _, r := range u.ByRun {
		runs = append(runs, r.ID+":"+r.Status+":"+r.Objects.render("object")+":"+r.OnlyHere.render("object"))
		if r.Dir.Bytes == 0 || r.StartedAt.IsZero() {
			t.Errorf("run %s: %+v", r.ID, r)
		}
	}
	want := "run-3:succeeded:4 objects (10 B):0 objects (0 B) run-2:succeeded:4 objects (10 B):3 objects (8 B) run-1:succeeded:4 objects (10 B):3 objects (8 B)"
	if got := strings.Join(runs, " "); got != want {
		t.Errorf("by run:\n%s\nwant\n%s", got, want)
	}
	if _, err := RemoveRun(ws, "run-1"); err != nil {
		t.Fatal(err)
	}
	u, err = DiskUsage(ws)
	if err != nil {
		t.Fatal(err)
	}
	if u.Unreferenced != (Tally{3, 8}) {
		t.Errorf("after removing run-1, unreferenced %+v", u.Unreferenced)
	}
	rep, err := Collect(ws, Options{KeepRuns: 10})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Objects != u.Unreferenced {
		t.Errorf("gc freed %+v, du announced %+v", rep.Objects, u.Unreferenced)
	}
}

func TestDiskUsageNeedsAWorkspace(t *testing.T) {
	p := newProject(t, versioned)
	if _, err := DiskUsage(p.ws()); err == nil || !strings.Contains(err.Error(), "no workspace") {
		t.Errorf("du without a workspace: %v", err)
	}
}

func TestFormatBytes(t *testing.T) {
	cases := []struct {
		n    int64
		want string
	}{{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"}, {5 << 20, "5.0 MiB"}, {3 << 30, "3.0 GiB"}, {1 << 50, "1.0 PiB"}}
	for _, c := range cases {
		if got := records.FormatBytes(c.n); got != c.want {
			t.Errorf("FormatBytes(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

// TestTextOutput checks the rendering of a usage and of collection reports
// against testdata/text.golden.
func TestTextOutput(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	u := &Usage{
		Workspace: "/p/.pipeline", Bytes: 3<<20 + 4096,
		Objects: Tally{12, 3 << 20}, Records: Tally{12, 4096}, Runs: Tally{2, 20480}, Scratch: Tally{1, 512},
		Current: Tally{4, 1 << 20}, Unreferenced: Tally{3, 2 << 20},
		ByStage: []StageUsage{{"train@lr=0.1", Tally{2, 1 << 20}}, {"tokens", Tally{3, 900}}},
		ByRun: []RunUsage{
			{ID: "20260102T030405.000Z-abcdef", StartedAt: at, Status: "succeeded", Objects: Tally{4, 1 << 20}, Dir: Tally{1, 10240}},
			{ID: "killed", StartedAt: at, Status: "incomplete", Dir: Tally{1, 10240}},
		},
	}
	var b strings.Builder
	if err := u.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, dry := range []bool{true, false} {
		b.WriteString("---\n")
		rep := &Report{Workspace: "/p/.pipeline", DryRun: dry, Busy: dry, KeptRuns: []string{"b"}, RemovedRuns: []string{"a"},
			Runs: Tally{1, 2048}, Records: Tally{3, 900}, Objects: Tally{3, 5 << 20}, Leftovers: Tally{1, 10},
			Kept: Kept{Objects: Tally{1, 100}, Records: Tally{1, 300}}}
		if err := rep.WriteText(&b); err != nil {
			t.Fatal(err)
		}
	}
	golden(t, "text.golden", b.String())
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	testutil.Golden(t, filepath.Join("testdata", name), []byte(got))
}
