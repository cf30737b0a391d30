package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/zeebo/xxh3"
)

// TestForeignParquet ingests Parquet files written by other tools (DuckDB,
// and the apache/parquet-testing corpus, see testdata/SOURCES.md). Each file
// either reads back (pinned by its row count and a digest of its rows as
// JSON Lines) or fails with an error naming it; none may panic.
func TestForeignParquet(t *testing.T) {
	for _, dir := range []string{"duckdb", "parquet-testing"} {
		t.Run(dir, func(t *testing.T) {
			root, err := filepath.Abs(filepath.Join("testdata", dir))
			if err != nil {
				t.Fatal(err)
			}
			entries, err := os.ReadDir(root)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".parquet") {
					names = append(names, e.Name())
				}
			}
			sort.Strings(names)
			var b strings.Builder
			for _, name := range names {
				fmt.Fprintf(&b, "%s: %s\n", name, ingestOne(t, root, name))
			}
			golden(t, filepath.Join("testdata", dir+".golden"), []byte(b.String()))
		})
	}
}

// ingestOne ingests one Parquet file and summarises the outcome.
func ingestOne(t *testing.T, root, name string) (summary string) {
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s: panic: %v", name, p)
			summary = "PANIC"
		}
	}()
	got, err := runIn(t, root, map[string]any{"path": name, "format": "parquet"})
	if err != nil {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
		msg := strings.ReplaceAll(err.Error(), root+"/", "")
		if len(msg) > 160 {
			msg = msg[:160] + "…"
		}
		return "error: " + msg
	}
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	var rows, schema string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "rows: "):
			rows = l
		case strings.HasPrefix(l, "--- data "):
			schema = l
		}
	}
	h := xxh3.HashString128(got).Bytes()
	return fmt.Sprintf("%s | %s | %d lines | xxh3:%x", rows, schema, len(lines), h[:8])
}
