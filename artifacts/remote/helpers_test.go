package remote

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/artifacts"
)

// fileURL returns a file:// URL for dir.
func fileURL(dir string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}).String()
}

// openTemp opens a remote cache in a fresh temporary directory and returns it
// with the directory.
func openTemp(t *testing.T, opts ...Option) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(context.Background(), fileURL(dir), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

// newLocal returns an initialised local store in a temporary directory.
func newLocal(t testing.TB) *artifacts.Store {
	t.Helper()
	st := artifacts.NewStore(filepath.Join(t.TempDir(), ".pipeline"))
	if err := st.Init(); err != nil {
		t.Fatal(err)
	}
	return st
}

// fileSpec describes a member of a test tree: content for files, a target
// for symlinks ("->target"), or a directory when it ends in "/".
type fileSpec struct {
	path, content string
	exec          bool
}

// build writes specs under a fresh directory (a single file when the only
// spec's path is empty) and publishes it into local, returning its output.
func build(t testing.TB, local *artifacts.Store, specs []fileSpec) artifacts.Output {
	t.Helper()
	tmp, err := local.TempDir("test")
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(tmp, "obj")
	if len(specs) == 1 && specs[0].path == "" {
		if err := os.WriteFile(root, []byte(specs[0].content), 0o644); err != nil {
			t.Fatal(err)
		}
	} else {
		if err := os.Mkdir(root, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, s := range specs {
			p := filepath.Join(root, filepath.FromSlash(s.path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			switch {
			case s.path[len(s.path)-1] == '/':
				err = os.MkdirAll(p, 0o755)
			case len(s.content) > 2 && s.content[:2] == "->":
				err = os.Symlink(s.content[2:], p)
			default:
				mode := os.FileMode(0o644)
				if s.exec {
					mode = 0o755
				}
				err = os.WriteFile(p, []byte(s.content), mode)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	tree, err := local.Publish(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	return artifacts.Output{Tree: tree}
}

// tmpEmpty fails the test when the local store's tmp/ folder holds anything.
func tmpEmpty(t *testing.T, local *artifacts.Store) {
	t.Helper()
	left, err := os.ReadDir(filepath.Join(local.Root, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		if strings.HasPrefix(e.Name(), "remote") {
			t.Errorf("temporary download left behind: %s", e.Name())
		}
	}
}
