package records

import (
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/mlpipe/pipeline/runtime"
)

// BenchmarkList lists a workspace of 400 runs (the fixture's four, copied
// a hundred times), the work of `pipeline runs`.
func BenchmarkList(b *testing.B) {
	ws, err := runtime.OpenWorkspace(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		for _, m := range fixtureManifests() {
			m.RunID = fmt.Sprintf("%s-%03d", m.RunID, i)
			if err := os.MkdirAll(ws.RunDir(m.RunID), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := m.Write(ws.ManifestPath(m.RunID)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		list, err := List(Selection{Workspace: ws})
		if err != nil || len(list) != 400 {
			b.Fatalf("%d runs, %v", len(list), err)
		}
		if err := WriteList(io.Discard, list); err != nil {
			b.Fatal(err)
		}
	}
}
