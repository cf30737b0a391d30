// Package testutil holds what the project's tests share: golden files, the
// repository's own fixtures and the -update flag that rewrites goldens.
package testutil

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ from this implementation")

// Update reports whether the test binary was started with -update, asking
// golden tests to rewrite their files instead of comparing with them.
func Update() bool { return *update }

// Golden compares got with the golden file at path, or writes got there when
// the tests run with -update. A missing golden file fails the test.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (regenerate with -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (regenerate with -update):\n--- got (%d bytes)\n%s\n--- want (%d bytes)\n%s",
			path, len(got), clip(got), len(want), clip(want))
	}
}

// clip keeps a failure message readable when a golden file is large.
func clip(b []byte) []byte {
	const limit = 4 << 10
	if len(b) <= limit {
		return b
	}
	return append(b[:limit:limit], []byte("\n[...]")...)
}
