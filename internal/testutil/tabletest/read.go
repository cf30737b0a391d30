package tabletest

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/mlpipe/pipeline/artifacts/table"
)

// Each reads the table at path through the project's table reader, calling
// fn with every record batch in order (released after fn returns), and
// returns the table's schema; any error fails the test.
func Each(t testing.TB, path string, fn func(rec arrow.RecordBatch)) *arrow.Schema {
	t.Helper()
	r, err := table.Open(path)
	if err != nil {
		t.Fatalf("opening table %s: %v", path, err)
	}
	defer r.Close()
	for rec, err := range r.All() {
		if err != nil {
			t.Fatalf("reading table %s: %v", path, err)
		}
		fn(rec)
	}
	return r.Schema()
}
