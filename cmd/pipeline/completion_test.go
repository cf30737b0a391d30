package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// Shell completion offers a definition's stages (and ports for cat), and
// the runs of a workspace by name and id.
func TestCompletion(t *testing.T) {
	t.Setenv("PIPELINE_REMOTE", "")
	complete := func(args ...string) string {
		var out, errb bytes.Buffer
		run(append([]string{"__complete"}, args...), &out, &errb)
		return out.String()
	}
	def := writeDef(t, okDef)
	out := complete("run", def, "")
	if !strings.HasPrefix(out, "gen\nsum\n:4\n") {
		t.Errorf("run completions:\n%s", out)
	}
	out = complete("cat", def, "s")
	if !strings.HasPrefix(out, "sum.total\n:4\n") {
		t.Errorf("cat completions:\n%s", out)
	}
	cli(t, "run", def, "--name", "first")
	ws := filepath.Join(filepath.Dir(def), ".pipeline")
	out = complete("runs", "show", "--workspace", ws, "")
	lines := strings.Split(out, "\n")
	if len(lines) < 4 || lines[0] != "latest" || lines[1] != "first" || !strings.HasPrefix(lines[2], "20") {
		t.Errorf("run completions:\n%s", out)
	}
}
