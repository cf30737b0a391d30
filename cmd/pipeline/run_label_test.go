package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A run's name, tags and note are recorded with the project's git commit,
// branch and dirty flag; the name refers to the run, and runs filters,
// sorts and shows columns of them.
func TestRunLabelsAndGitState(t *testing.T) {
	t.Setenv("PIPELINE_REMOTE", "")
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: the git state of a run cannot be recorded here")
	}
	def := writeDef(t, okDef)
	dir := filepath.Dir(def)
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.email=t@example.com", "-c", "user.name=t"}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "trunk")
	git("add", "p.yaml")
	git("commit", "-q", "-m", "definition")
	head := git("rev-parse", "HEAD")

	if code, out, errs := cli(t, "run", def, "--name", "baseline", "--tag", "owner=ana", "--tag", "kind=smoke", "--note", "first try"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	m := lastManifest(t, def)
	if m.Name != "baseline" || m.Tags["owner"] != "ana" || m.Tags["kind"] != "smoke" || m.Note != "first try" {
		t.Errorf("label: %q %v %q", m.Name, m.Tags, m.Note)
	}
	if m.Git == nil || m.Git.Commit != head || m.Git.Branch != "trunk" || m.Git.Dirty {
		t.Fatalf("git state %+v, want %s on trunk, clean (the workspace does not count)", m.Git, head)
	}
	writeFile(t, filepath.Join(dir, "notes.txt"), "untracked\n")
	cli(t, "run", def, "--set", "n=4")
	if m := lastManifest(t, def); m.Git == nil || !m.Git.Dirty {
		t.Errorf("an untracked file does not make the run dirty: %+v", m.Git)
	}
	ws := filepath.Join(dir, ".pipeline")
	if code, out, _ := cli(t, "runs", "show", "baseline", "--workspace", ws); code != 0 || !strings.Contains(out, "note        first try") || !strings.Contains(out, head+" on trunk (clean)") {
		t.Errorf("runs show baseline: exit %d\n%s", code, out)
	}
	_, out, _ := cli(t, "runs", "--workspace", ws, "--filter", "tags.owner = ana", "--columns", "name,tags.kind,git.dirty")
	if out != "NAME      TAGS.KIND  GIT.DIRTY\nbaseline  smoke      false\n" {
		t.Errorf("runs --filter --columns:\n%s", out)
	}
	for _, bad := range [][]string{{"--name", "latest"}, {"--name", "9lives"}, {"--tag", "novalue"}} {
		if code, _, _ := cli(t, append([]string{"run", def}, bad...)...); code != 2 {
			t.Errorf("run %v: exit %d, want 2", bad, code)
		}
	}
	if code, _, errs := cli(t, "runs", "--workspace", ws, "--sort", "bogus"); code != 2 || !strings.Contains(errs, "unknown field") {
		t.Errorf("--sort bogus: exit %d %s", code, errs)
	}
}
