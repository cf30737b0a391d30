package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A hard-linked output is copied: the user's file keeps its mode and its
// inode, and editing it later does not change what the store serves.
func TestHardLinkedOutputIsCopied(t *testing.T) {
	const def = `version: 1
name: hard
stages:
  a:
    kind: exec
    sandbox: none
    deps: [data.txt]
    with: {cmd: "ln data.txt $PIPELINE_OUT/o", outputs: [o]}
`
	p := newProject(t, def, map[string]string{"data.txt": "original\n"})
	if res := p.run(Options{}); res.Status != RunSucceeded {
		t.Fatalf("run: %s", statuses(res))
	}
	data := filepath.Join(p.dir, "data.txt")
	info, err := os.Stat(data)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm()&0o200 == 0 {
		t.Errorf("the user's file was made read-only: %v", info.Mode())
	}
	obj := outputObject(t, p, "a", "o")
	oinfo, _ := os.Stat(obj)
	if os.SameFile(info, oinfo) {
		t.Fatal("the stored object shares the user's file's inode")
	}
	if err := os.WriteFile(data, []byte("modified\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(obj); string(got) != "original\n" {
		t.Errorf("the object now reads %q", got)
	}
}

// Links inside an output tree are kept (as relative links); a link leaving
// the output fails the stage naming it; with follow_links its target is copied.
func TestSymlinkedOutputs(t *testing.T) {
	const def = `version: 1
name: links
stages:
  inside:
    kind: exec
    with: {cmd: "mkdir $PIPELINE_OUT/d && echo x > $PIPELINE_OUT/d/f && ln -s $PIPELINE_OUT/d/f $PIPELINE_OUT/d/abs && ln -s f $PIPELINE_OUT/d/rel", outputs: [d]}
  outside:
    kind: exec
    with: {cmd: "mkdir $PIPELINE_OUT/d && ln -s /etc/hostname $PIPELINE_OUT/d/h", outputs: [d]}
  top:
    kind: exec
    with: {cmd: "ln -s /etc/hostname $PIPELINE_OUT/o", outputs: [o]}
  followed:
    kind: exec
    with: {cmd: "echo secret > target.txt; ln -s $$PWD/target.txt $PIPELINE_OUT/o", outputs: [o], follow_links: true}
`
	p := newProject(t, def, nil)
	res := p.run(Options{KeepGoing: true})
	errs := map[string]string{}
	for _, s := range res.Stages {
		if s.Err != nil {
			errs[s.Node.Name] = s.Err.Error()
		}
	}
	if len(errs) != 2 || !strings.Contains(errs["outside"], "h is a symbolic link to /etc/hostname, outside the output") ||
		!strings.Contains(errs["top"], "the output is a symbolic link") {
		t.Fatalf("errors: %v", errs)
	}
	dir := resultObject(t, p, res, "inside", "d")
	if target, err := os.Readlink(filepath.Join(dir, "abs")); err != nil || target != "f" {
		t.Errorf("abs link reads %q, %v; want the relative f", target, err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "rel")); string(got) != "x\n" {
		t.Errorf("rel link reads %q", got)
	}
	obj := resultObject(t, p, res, "followed", "o")
	if info, _ := os.Lstat(obj); info == nil || !info.Mode().IsRegular() {
		t.Fatalf("followed output is not a regular file: %v", info)
	}
	if got, _ := os.ReadFile(obj); string(got) != "secret\n" {
		t.Errorf("followed output reads %q", got)
	}
}

// resultObject returns the store path of a stage's output in a run's result.
func resultObject(t *testing.T, p *project, res *RunResult, stage, port string) string {
	t.Helper()
	for _, s := range res.Stages {
		if o, ok := s.Outputs[port]; ok && s.Node.Name == stage {
			return p.workspace().Store.ObjectPath(o.Digest)
		}
	}
	t.Fatalf("stage %s has no output %s", stage, port)
	return ""
}
