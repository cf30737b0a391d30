package pysdk

import (
	"os"
	"path/filepath"
	"testing"
)

// Install writes the embedded package once, whole, under its digest; the
// copy matches the source tree it was embedded from.
func TestInstall(t *testing.T) {
	root := t.TempDir()
	dir, err := Install(root)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(dir) != Digest() || len(Digest()) != 16 {
		t.Errorf("installed in %s, digest %s", dir, Digest())
	}
	for _, name := range []string{"__init__.py", "_stage.py", "py.typed"} {
		got, err := os.ReadFile(filepath.Join(dir, Package, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("src", Package, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from the source", name)
		}
	}
	again, err := Install(root)
	if err != nil || again != dir {
		t.Errorf("second install: %s %v", again, err)
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		t.Errorf("%d entries under the root, want the one install", len(entries))
	}
}
