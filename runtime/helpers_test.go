package runtime

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/internal/testutil/graphtest"
	"github.com/mlpipe/pipeline/pipeline"
	_ "github.com/mlpipe/pipeline/stages/exec"
)

// project is a definition file in a temporary directory.
type project struct {
	t   testing.TB
	dir string
	def string
}

func newProject(t testing.TB, definition string, files map[string]string) *project {
	t.Helper()
	dir := t.TempDir()
	p := &project{t: t, dir: dir, def: filepath.Join(dir, "pipeline.yaml")}
	p.write("pipeline.yaml", definition)
	for name, content := range files {
		p.write(name, content)
	}
	return p
}

func (p *project) write(name, content string) {
	p.t.Helper()
	path := filepath.Join(p.dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func (p *project) graph(sets ...string) *pipeline.Graph {
	p.t.Helper()
	return graphtest.MustCompile(p.t, p.def, sets...)
}

func (p *project) workspace() *Workspace {
	p.t.Helper()
	ws, err := OpenWorkspace(filepath.Join(p.dir, ".pipeline"))
	if err != nil {
		p.t.Fatal(err)
	}
	return ws
}

func (p *project) run(opts Options, sets ...string) *RunResult {
	p.t.Helper()
	if opts.Jobs == 0 {
		opts.Jobs = 2
	}
	opts.Log = zerolog.Nop()
	res, err := Run(context.Background(), p.graph(sets...), p.workspace(), opts)
	if err != nil {
		p.t.Fatal(err)
	}
	return res
}

// statuses renders "stage=status" for every stage, in run order.
func statuses(res *RunResult) string {
	parts := make([]string, len(res.Stages))
	for i, s := range res.Stages {
		parts[i] = s.Node.Name + "=" + s.Status
	}
	return strings.Join(parts, " ")
}

// snapshot lists every path under dir with its size and modification time,
// to prove a command wrote nothing.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		lines = append(lines, p+" "+info.Mode().String()+" "+info.ModTime().String()+" "+fmt.Sprint(info.Size()))
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
