package gc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/internal/testutil/graphtest"
	"github.com/mlpipe/pipeline/runtime"
	_ "github.com/mlpipe/pipeline/stages/exec"
)

// versioned has three stages whose outputs follow the parameter v (a file, a
// file read from it, a directory) and one whose output never changes.
const versioned = `version: 1
name: versioned
params: {v: 1}
stages:
  a: {kind: exec, with: {cmd: "echo ${v} > $PIPELINE_OUT/o", outputs: [o]}}
  b: {kind: exec, inputs: {x: a}, with: {cmd: "cat $PIPELINE_IN_X > $PIPELINE_OUT/o; echo b >> $PIPELINE_OUT/o", outputs: [o]}}
  d: {kind: exec, with: {cmd: "mkdir $PIPELINE_OUT/d && echo ${v} > $PIPELINE_OUT/d/f", outputs: [d]}}
  k: {kind: exec, with: {cmd: "echo k > $PIPELINE_OUT/o", outputs: [o]}}
`

// project is a definition in a temporary directory and its workspace.
type project struct {
	t   testing.TB
	dir string
}

func newProject(t testing.TB, definition string) *project {
	t.Helper()
	p := &project{t: t, dir: t.TempDir()}
	if err := os.WriteFile(filepath.Join(p.dir, "pipeline.yaml"), []byte(definition), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *project) ws() *runtime.Workspace {
	p.t.Helper()
	ws, err := runtime.OpenWorkspace(filepath.Join(p.dir, ".pipeline"))
	if err != nil {
		p.t.Fatal(err)
	}
	return ws
}

// run runs the definition as run id with the given --set overrides and
// returns the stage statuses sorted by name, as "a=ran b=cached ...".
func (p *project) run(id string, sets ...string) string {
	p.t.Helper()
	g := graphtest.MustCompile(p.t, filepath.Join(p.dir, "pipeline.yaml"), sets...)
	res, err := runtime.Run(context.Background(), g, p.ws(), runtime.Options{Jobs: 1, RunID: id, Log: zerolog.Nop()})
	if err != nil {
		p.t.Fatal(err)
	}
	if res.Status != runtime.RunSucceeded {
		p.t.Fatalf("run %s: %s", id, res.Status)
	}
	var parts []string
	for _, s := range res.Stages {
		parts = append(parts, s.Node.Name+"="+s.Status)
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// threeRuns runs versioned with v=1, 2 and 3 as run-1, run-2 and run-3.
func threeRuns(t testing.TB) *project {
	t.Helper()
	p := newProject(t, versioned)
	for v := 1; v <= 3; v++ {
		p.run(fmt.Sprintf("run-%d", v), fmt.Sprintf("v=%d", v))
	}
	return p
}

// snapshot describes every file under dir: path, type, mode, size, mtime,
// link target and content digest.
func snapshot(t testing.TB, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		line := fmt.Sprintf("%s %v %d %d", rel, info.Mode(), info.Size(), info.ModTime().UnixNano())
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			line += " -> " + target
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			line += " " + hex.EncodeToString(sum[:8])
		}
		lines = append(lines, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// checkConsistent fails unless every action record names present objects of
// the recorded size and every listed run with a manifest passes audit.
func checkConsistent(t testing.TB, ws *runtime.Workspace) {
	t.Helper()
	records, err := listRecords(ws.Store, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range records {
		if r.temp || !r.valid {
			continue
		}
		key := "xxh3:" + strings.TrimSuffix(filepath.Base(r.path), ".json")
		rec, err := ws.Store.LoadAction(key)
		if err != nil || rec == nil {
			t.Fatalf("record %s: %v", r.path, err)
		}
		if !ws.Store.Complete(rec) {
			t.Errorf("record %s names a missing or truncated object", r.path)
		}
	}
	runs, err := ListRuns(ws)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if !r.Complete() {
			continue
		}
		m, err := artifacts.ReadManifest(ws.ManifestPath(r.ID))
		if err != nil {
			t.Fatal(err)
		}
		if ms := runtime.Audit(m, ws); len(ms) > 0 {
			t.Errorf("run %s no longer audits: %v", r.ID, ms)
		}
	}
}

// objectCount returns how many objects the store holds.
func objectCount(t testing.TB, ws *runtime.Workspace) int {
	t.Helper()
	objs, err := listObjects(ws.Store)
	if err != nil {
		t.Fatal(err)
	}
	return len(objs)
}
