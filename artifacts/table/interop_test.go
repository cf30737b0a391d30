package table

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlpipe/pipeline/internal/testutil"
)

// interopSources are the fixture directories under testdata/parquet/interop
// whose files the differential test reads (see testdata/SOURCES.md).
var interopSources = []string{"parquet-testing", "duckdb"}

// interopReference is DuckDB's reading of a fixture, as
// scripts/parquet/make_references.py writes it.
type interopReference struct {
	File    string   `json:"file"`
	Error   string   `json:"error"`
	Columns []string `json:"columns"`
	Rows    [][]any  `json:"rows"`
}

// outcomeKind is how this package's reading of a fixture compares with DuckDB's.
type outcomeKind int

const (
	readsRight   outcomeKind = iota // the same columns and values as DuckDB
	failsClearly                    // an error, never a panic
	readsWrong                      // values or columns that differ from DuckDB's
	readsAlone                      // read, where DuckDB cannot read the file
)

// interopOutcome is the result of reading one fixture.
type interopOutcome struct {
	kind         outcomeKind
	detail       string // the error, or where the values first differ
	duckdbCannot bool   // DuckDB cannot read the file either
}

// TestInterop reads every interop fixture with Open and compares the values
// with DuckDB's reference. A file DuckDB reads must read the same; a file
// this package refuses, or reads where DuckDB cannot, must be listed so in
// testdata/parquet/interop/expected-unsupported.golden with its error, so
// that a file that starts failing, or fails differently, fails the test.
func TestInterop(t *testing.T) {
	root := testutil.Fixture(t, "parquet/interop")
	var files []string
	for _, src := range interopSources {
		err := filepath.WalkDir(filepath.Join(root, src), func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(root, path)
				files = append(files, filepath.ToSlash(rel))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(files)
	var golden strings.Builder
	counts := map[outcomeKind]int{}
	cannot := 0
	for _, rel := range files {
		ref, err := loadReference(filepath.Join(root, "references", filepath.FromSlash(rel)))
		if err != nil {
			t.Errorf("%s: %v (regenerate with scripts/parquet/make_references.py)", rel, err)
			continue
		}
		out := compareWithReference(filepath.Join(root, filepath.FromSlash(rel)), rel, ref)
		counts[out.kind]++
		switch out.kind {
		case readsWrong:
			t.Errorf("%s reads other values than DuckDB: %s", rel, out.detail)
		case failsClearly:
			if out.duckdbCannot {
				cannot++
			}
			fmt.Fprintf(&golden, "%s\n\tfails: %s\n", rel, out.detail)
		case readsAlone:
			fmt.Fprintf(&golden, "%s\n\treads, where %s\n", rel, ref.Error)
		}
	}
	t.Logf("%d files: %d read right, %d fail clearly (%d of them DuckDB cannot read either), %d read wrong, %d read where DuckDB cannot",
		len(files), counts[readsRight], counts[failsClearly], cannot, counts[readsWrong], counts[readsAlone])
	testutil.Golden(t, filepath.Join(root, "expected-unsupported.golden"), []byte(golden.String()))
}

// loadReference reads the reference of a fixture: base.json, or base.json.gz.
func loadReference(base string) (*interopReference, error) {
	var r io.Reader
	if f, err := os.Open(base + ".json"); err == nil {
		defer f.Close()
		r = f
	} else {
		f, err := os.Open(base + ".json.gz")
		if err != nil {
			return nil, fmt.Errorf("no reference: %w", err)
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("reading reference %s.json.gz: %w", base, err)
		}
		r = zr
	}
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var ref interopReference
	if err := dec.Decode(&ref); err != nil {
		return nil, fmt.Errorf("reading reference of %s: %w", base, err)
	}
	return &ref, nil
}

// compareWithReference reads the fixture at path (rel: its name under the
// interop directory) and compares it with DuckDB's reading. A read that
// takes over a minute counts as wrong.
func compareWithReference(path, rel string, ref *interopReference) interopOutcome {
	type result struct {
		columns []string
		rows    [][]any
		err     error
	}
	done := make(chan result, 1)
	go func() {
		cols, rows, err := readCanonical(path)
		done <- result{cols, rows, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-time.After(time.Minute):
		return interopOutcome{kind: readsWrong, detail: "reading did not finish within a minute"}
	}
	if errors.Is(res.err, errPanicked) {
		return interopOutcome{kind: readsWrong, detail: res.err.Error()}
	}
	if res.err != nil {
		msg := strings.ReplaceAll(res.err.Error(), path, rel)
		return interopOutcome{kind: failsClearly, detail: msg, duckdbCannot: ref.Error != ""}
	}
	if ref.Error != "" {
		return interopOutcome{kind: readsAlone}
	}
	if !slices.Equal(res.columns, ref.Columns) {
		return interopOutcome{kind: readsWrong, detail: fmt.Sprintf("columns %q, want %q", res.columns, ref.Columns)}
	}
	if len(res.rows) != len(ref.Rows) {
		return interopOutcome{kind: readsWrong, detail: fmt.Sprintf("%d rows, want %d", len(res.rows), len(ref.Rows))}
	}
	for i := range ref.Rows {
		for c, name := range ref.Columns {
			if same, where := sameCanonical(res.rows[i][c], ref.Rows[i][c], fmt.Sprintf("row %d, column %s", i, name)); !same {
				return interopOutcome{kind: readsWrong, detail: where}
			}
		}
	}
	return interopOutcome{kind: readsRight}
}

// errPanicked marks a read that panicked instead of returning an error.
var errPanicked = errors.New("panic")

// readCanonical reads the whole table at path with Open and returns its
// column names and its rows in canonical form. A panic is an error too,
// naming itself as such, so that it fails the test as wrong.
func readCanonical(path string) (cols []string, rows [][]any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("reading %s: %w: %v", path, errPanicked, p)
		}
	}()
	r, err := Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	for _, f := range r.Schema().Fields() {
		cols = append(cols, f.Name)
	}
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		for i := range int(rec.NumRows()) {
			row := make([]any, rec.NumCols())
			for c := range int(rec.NumCols()) {
				v, err := canonicalValue(rec.Column(c), i)
				if err != nil {
					rec.Release()
					return nil, nil, fmt.Errorf("reading %s, column %q: %w", path, cols[c], err)
				}
				row[c] = v
			}
			rows = append(rows, row)
		}
		rec.Release()
	}
	return cols, rows, nil
}
