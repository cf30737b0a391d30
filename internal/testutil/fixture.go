package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// Root returns the repository's root directory: the nearest directory at or
// above the test's working directory that holds go.mod.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("finding the repository root: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("finding the repository root: no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Fixture returns the path of a file under the repository's testdata/
// directory (see testdata/SOURCES.md for where each came from). A missing
// fixture fails the test: the fixtures are committed, never optional.
func Fixture(t testing.TB, rel string) string {
	t.Helper()
	path := filepath.Join(Root(t), "testdata", filepath.FromSlash(rel))
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("fixture %s: %v", rel, err)
	}
	return path
}
