package runtime

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A view a killed run left half-built is removed by a later run once it is
// old; a young one (perhaps a concurrent run's) is left.
func TestStaleHalfBuiltViewsAreRemoved(t *testing.T) {
	p := newProject(t, chain, map[string]string{"words.txt": "a b\n"})
	out := filepath.Join(p.dir, ".pipeline", "out")
	old, young := filepath.Join(out, ".pipeline.new-1"), filepath.Join(out, ".pipeline.new-2")
	for _, d := range []string{old, young} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-2 * staleViewAge)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	p.run(Options{})
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the old half-built view is still there: %v", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("the young one was removed: %v", err)
	}
}
