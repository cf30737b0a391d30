package gc

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mlpipe/pipeline/runtime"
)

// syntheticWorkspace writes the benchmark workspace of bench/gc (objects,
// action records and run manifests, with made-up digests).
func syntheticWorkspace(b *testing.B, objects, runs string) *runtime.Workspace {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "ws")
	if out, err := exec.Command("python3", "../../bench/gc/make_workspace.py", dir, objects, runs).CombinedOutput(); err != nil {
		b.Skipf("cannot write the synthetic workspace (needs python3): %v: %s", err, out)
	}
	ws, err := runtime.OpenWorkspace(dir)
	if err != nil {
		b.Fatal(err)
	}
	return ws
}

func BenchmarkDiskUsage(b *testing.B) {
	ws := syntheticWorkspace(b, "20000", "50")
	b.ResetTimer()
	for range b.N {
		if _, err := DiskUsage(ws); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCollectDryRun(b *testing.B) {
	ws := syntheticWorkspace(b, "20000", "50")
	b.ResetTimer()
	for range b.N {
		if _, err := Collect(ws, Options{KeepRuns: 10, DryRun: true}); err != nil {
			b.Fatal(err)
		}
	}
}
