package remote_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts/remote"
	"github.com/mlpipe/pipeline/internal/testutil/graphtest"
	"github.com/mlpipe/pipeline/runtime"
	_ "github.com/mlpipe/pipeline/stages/exec"
)

// flow has a file output, a directory output and a stage downstream of both;
// every command appends its name to ran.log in the project directory.
const flow = `version: 1
name: flow
stages:
  clean:
    kind: exec
    deps: [words.txt]
    with: {cmd: "echo clean >> ran.log; tr -d ' ' < words.txt > $PIPELINE_OUT/words", outputs: [words]}
  split:
    kind: exec
    inputs: {words: clean}
    with:
      cmd: "echo split >> ran.log; mkdir -p $PIPELINE_OUT/parts/sub; fold -w1 < $PIPELINE_IN_WORDS > $PIPELINE_OUT/parts/sub/chars; printf '#!/bin/sh\n' > $PIPELINE_OUT/parts/run.sh; chmod +x $PIPELINE_OUT/parts/run.sh"
      outputs: [parts]
  count:
    kind: exec
    inputs: {parts: split.parts, words: clean}
    with: {cmd: "echo count >> ran.log; wc -l < $PIPELINE_IN_PARTS/sub/chars > $PIPELINE_OUT/n", outputs: [n]}
`

// project is a definition and its files in a fresh directory: one machine's
// checkout with its own workspace.
type project struct {
	t   *testing.T
	dir string
}

func newProject(t *testing.T, def string, files map[string]string) *project {
	t.Helper()
	p := &project{t: t, dir: t.TempDir()}
	files["pipeline.yaml"] = def
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(p.dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// run runs the pipeline in the project's own workspace with the remote.
func (p *project) run(r runtime.RemoteStore) *runtime.RunResult {
	p.t.Helper()
	g := graphtest.MustCompile(p.t, filepath.Join(p.dir, "pipeline.yaml"))
	ws, err := runtime.OpenWorkspace(filepath.Join(p.dir, ".pipeline"))
	if err != nil {
		p.t.Fatal(err)
	}
	res, err := runtime.Run(context.Background(), g, ws, runtime.Options{Jobs: 2, Log: zerolog.Nop(), Remote: r})
	if err != nil {
		p.t.Fatal(err)
	}
	if res.Status != runtime.RunSucceeded {
		for _, s := range res.Stages {
			if s.Err != nil {
				p.t.Errorf("stage %s: %v\n%s", s.Node.Name, s.Err, s.LogTail)
			}
		}
		p.t.Fatalf("run %s", res.Status)
	}
	return res
}

// ran returns the commands the project executed, in order.
func (p *project) ran() string {
	b, err := os.ReadFile(filepath.Join(p.dir, "ran.log"))
	if os.IsNotExist(err) {
		return ""
	}
	if err != nil {
		p.t.Fatal(err)
	}
	return strings.TrimSpace(strings.ReplaceAll(string(b), "\n", " "))
}

func statuses(res *runtime.RunResult) string {
	parts := make([]string, len(res.Stages))
	for i, s := range res.Stages {
		parts[i] = s.Node.Name + "=" + s.Status
	}
	return strings.Join(parts, " ")
}

func openRemote(t *testing.T, dir string) *remote.Store {
	t.Helper()
	s, err := remote.Open(context.Background(), (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}).String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSecondWorkspaceIsAllHitsFromTheRemote(t *testing.T) {
	bucket := t.TempDir()
	files := map[string]string{"words.txt": "a b c d\n"}
	first := newProject(t, flow, files)
	if got := statuses(first.run(openRemote(t, bucket))); got != "clean=ran split=ran count=ran" {
		t.Fatalf("first machine: %s", got)
	}
	second := newProject(t, flow, map[string]string{"words.txt": "a b c d\n"})
	r := openRemote(t, bucket)
	before := r.Stats()
	res := second.run(r)
	if got := statuses(res); got != "clean=cached split=cached count=cached" {
		t.Fatalf("second machine: %s", got)
	}
	if got := second.ran(); got != "" {
		t.Errorf("the second machine executed stage commands: %s", got)
	}
	st := r.Stats()
	// One GET per stage for its record and one per output object; nothing else.
	if gets := st.Gets - before.Gets; gets != 3+3 || st.Heads != before.Heads || st.Puts != before.Puts {
		t.Errorf("a run of hits made %+v (from %+v); want 6 GETs and nothing else", st, before)
	}
	out, err := os.ReadFile(filepath.Join(second.dir, ".pipeline", "out", "pipeline", "count", "n"))
	if err != nil || strings.TrimSpace(string(out)) != "4" {
		t.Errorf("exposed output of the second machine = %q, %v", out, err)
	}
	info, err := os.Stat(filepath.Join(second.dir, ".pipeline", "out", "pipeline", "split", "parts", "run.sh"))
	if err != nil || info.Mode()&0o111 == 0 {
		t.Errorf("tree output lost its executable bit: %v", err)
	}
	// A third run is served by the local store; it asks the remote once (one
	// listing) whether it holds those stages, and uploads nothing.
	before = r.Stats()
	if got := statuses(second.run(r)); got != "clean=cached split=cached count=cached" {
		t.Fatalf("third run: %s", got)
	}
	want := before
	want.Gets++
	if st := r.Stats(); st != want {
		t.Errorf("local hits made %+v (from %+v); want one listing", st, before)
	}
}

func TestCorruptRemoteObjectMakesTheStageRun(t *testing.T) {
	bucket := t.TempDir()
	files := map[string]string{"words.txt": "x y\n"}
	newProject(t, flow, files).run(openRemote(t, bucket))
	objects, err := filepath.Glob(filepath.Join(bucket, "v1", "objects", "*"))
	if err != nil || len(objects) == 0 {
		t.Fatalf("no file objects in the remote: %v", err)
	}
	for _, o := range objects {
		if err := os.WriteFile(o, []byte("garbage\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	second := newProject(t, flow, map[string]string{"words.txt": "x y\n"})
	res := second.run(openRemote(t, bucket))
	if got := statuses(res); got != "clean=ran split=cached count=ran" {
		t.Fatalf("with corrupt file objects: %s", got)
	}
	out, err := os.ReadFile(filepath.Join(second.dir, ".pipeline", "out", "pipeline", "count", "n"))
	if err != nil || strings.TrimSpace(string(out)) != "2" {
		t.Errorf("output after re-running = %q, %v", out, err)
	}
	// The re-runs uploaded good copies: a third machine gets all hits.
	third := newProject(t, flow, map[string]string{"words.txt": "x y\n"})
	if got := statuses(third.run(openRemote(t, bucket))); got != "clean=cached split=cached count=cached" {
		t.Fatalf("after the remote was healed: %s", got)
	}
}

// racy writes a different output on every execution.
const racy = `version: 1
name: racy
stages:
  stamp:
    kind: exec
    with: {cmd: "od -An -N8 -tx8 /dev/urandom > $PIPELINE_OUT/o", outputs: [o]}
  use:
    kind: exec
    inputs: {s: stamp}
    with: {cmd: "cp $PIPELINE_IN_S $PIPELINE_OUT/o", outputs: [o]}
`

func TestRacingMachinesAgreeOnOneRecord(t *testing.T) {
	bucket := t.TempDir()
	projects := []*project{newProject(t, racy, map[string]string{}), newProject(t, racy, map[string]string{})}
	results := make([]*runtime.RunResult, len(projects))
	var wg sync.WaitGroup
	for i, p := range projects {
		r := openRemote(t, bucket)
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = p.run(r)
		}()
	}
	wg.Wait()
	r := openRemote(t, bucket)
	for _, s := range results[0].Stages {
		rec, err := r.GetAction(context.Background(), s.Key)
		if err != nil || rec == nil {
			t.Fatalf("stage %s has no remote record: %v", s.Node.Name, err)
		}
		for i, res := range results {
			for _, s2 := range res.Stages {
				if s2.Node.Name == s.Node.Name && s2.Outputs["o"].Digest != rec.Outputs["o"].Digest {
					t.Errorf("machine %d kept %s for %s; the remote record says %s", i, s2.Outputs["o"].Digest, s.Node.Name, rec.Outputs["o"].Digest)
				}
			}
		}
	}
	a, _ := os.ReadFile(filepath.Join(projects[0].dir, ".pipeline", "out", "pipeline", "use", "o"))
	b, _ := os.ReadFile(filepath.Join(projects[1].dir, ".pipeline", "out", "pipeline", "use", "o"))
	if len(a) == 0 || string(a) != string(b) {
		t.Errorf("the two machines disagree: %q vs %q", a, b)
	}
}
