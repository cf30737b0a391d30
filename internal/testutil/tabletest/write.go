// Package tabletest writes and reads Parquet fixtures for tests through the
// project's table writer and reader, so that a fixture is written, and an
// output read, the way a stage does.
package tabletest

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/mlpipe/pipeline/artifacts/table"
)

// Write writes rec as the table at path, failing the test on any error.
func Write(t testing.TB, path string, rec arrow.RecordBatch) {
	t.Helper()
	w, err := table.Create(path, rec.Schema())
	if err != nil {
		t.Fatalf("creating table %s: %v", path, err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatalf("writing table %s: %v", path, err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("closing table %s: %v", path, err)
	}
}
