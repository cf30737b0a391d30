package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const syncDef = `version: 1
name: shared
params: {n: 2}
sources: [data/*.csv]
stages:
  head:
    kind: exec
    deps: [data/a.csv]
    with: {cmd: "head -n ${n} data/a.csv > $PIPELINE_OUT/rows", outputs: [rows]}
  count:
    kind: exec
    inputs: {rows: head}
    with: {cmd: "wc -l < $PIPELINE_IN_ROWS > $PIPELINE_OUT/n", outputs: [n]}
`

// A teammate with the definition and its lock file, but not the data,
// pulls the tracked sources and the outputs through a shared remote and
// finds every stage cached; checkout brings a past run's outputs back into
// the output view.
func TestPushPullCheckout(t *testing.T) {
	t.Setenv("PIPELINE_REMOTE", "")
	remoteDir := t.TempDir()
	url := "file://" + remoteDir
	a := writeDef(t, syncDef)
	dirA := filepath.Dir(a)
	os.MkdirAll(filepath.Join(dirA, "data"), 0o755)
	writeFile(t, filepath.Join(dirA, "data", "a.csv"), "x\n1\n2\n3\n")
	if code, out, errs := cli(t, "run", a); code != 0 {
		t.Fatalf("run: exit %d\n%s%s", code, out, errs)
	}
	first := lastManifest(t, a).RunID
	code, out, errs := cli(t, "push", a, "--remote", url)
	if code != 0 || !strings.Contains(out, "sources: 1 pushed") || !strings.Contains(out, "2 stage records pushed") {
		t.Fatalf("push: exit %d\n%s%s", code, out, errs)
	}
	lock, err := os.ReadFile(filepath.Join(dirA, "p.lock"))
	if err != nil || !strings.Contains(string(lock), `"data/a.csv"`) {
		t.Fatalf("lock file: %v\n%s", err, lock)
	}

	b := writeDef(t, syncDef)
	dirB := filepath.Dir(b)
	writeFile(t, filepath.Join(dirB, "p.lock"), string(lock))
	code, out, errs = cli(t, "pull", b, "--remote", url)
	if code != 0 || !strings.Contains(out, "sources: 1 restored") || !strings.Contains(out, "outputs: 2 of 2 stages available here") {
		t.Fatalf("pull: exit %d\n%s%s", code, out, errs)
	}
	if got, _ := os.ReadFile(filepath.Join(dirB, "data", "a.csv")); string(got) != "x\n1\n2\n3\n" {
		t.Errorf("restored source %q", got)
	}
	if st, err := os.Stat(filepath.Join(dirB, "data", "a.csv")); err != nil || st.Mode().Perm()&0o200 == 0 {
		t.Errorf("a restored source is not an editable copy: %v %v", st, err)
	}
	cli(t, "run", b)
	for _, s := range lastManifest(t, b).Stages {
		if s.Status != "cached" {
			t.Errorf("after pull, %s %s", s.Name, s.Status)
		}
	}
	writeFile(t, filepath.Join(dirB, "data", "a.csv"), "edited\n")
	if _, out, _ := cli(t, "pull", b, "--remote", url); !strings.Contains(out, "1 differ from the lock and were kept") {
		t.Errorf("pull over an edited source:\n%s", out)
	}
	if _, out, _ := cli(t, "pull", b, "--remote", url, "--force"); !strings.Contains(out, "sources: 1 restored") {
		t.Errorf("pull --force:\n%s", out)
	}

	cli(t, "run", a, "--set", "n=1")
	view := filepath.Join(dirA, ".pipeline", "out", "p", "head", "rows")
	if got, _ := os.ReadFile(view); string(got) != "x\n" {
		t.Fatalf("view after the second run: %q", got)
	}
	if code, out, errs := cli(t, "checkout", first, "--workspace", filepath.Join(dirA, ".pipeline")); code != 0 {
		t.Fatalf("checkout: exit %d\n%s%s", code, out, errs)
	}
	if got, _ := os.ReadFile(view); string(got) != "x\n1\n" {
		t.Errorf("view after checkout of the first run: %q", got)
	}
	if code, _, errs := cli(t, "push", a); code != 2 || !strings.Contains(errs, "needs a remote store") {
		t.Errorf("push without a remote: exit %d %s", code, errs)
	}
}
