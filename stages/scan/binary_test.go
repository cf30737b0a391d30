package scan

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/stages/scan/corpus"
)

// A credential inside a binary file (a NUL in its first bytes) is found in
// its printable runs, and the summary says how many files were binary; a
// member name with control characters cannot reach the terminal raw.
func TestBinaryFilesAndControlCharacters(t *testing.T) {
	fam := map[string]corpus.Family{}
	for _, x := range corpus.Families() {
		fam[x.Name] = x
	}
	secret := fam["github-pat"].Make(corpus.NewFake(3))
	dir := t.TempDir()
	blob := append([]byte("\x80\x04\x95\x00\x00pickle\x00\x01"), []byte("token="+secret.Value+"\x00\xff\xfe tail")...)
	if err := os.WriteFile(filepath.Join(dir, "model.pkl"), blob, 0o644); err != nil {
		t.Fatal(err)
	}
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("evil\x1b[2J\nfake.txt")
	w.Write([]byte(secret.Render() + "\n"))
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "names.zip"), zb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := New(Options{}).ScanPaths(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, f := range rep.Findings {
		found = append(found, f.Path)
	}
	if len(rep.Findings) != 2 || rep.BinaryFiles != 1 {
		t.Fatalf("findings in %v, %d binary files", found, rep.BinaryFiles)
	}
	var out bytes.Buffer
	if err := Write(&out, "text", rep); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if strings.ContainsAny(text, "\x1b") || strings.Count(text, "\n") != 3 || !strings.Contains(text, `evil\x1b[2J\x0afake.txt`) {
		t.Errorf("text output:\n%q", text)
	}
	if !strings.Contains(text, "2 files, 1 of them binary, scanned for printable runs") {
		t.Errorf("summary: %q", text)
	}
}

// A limit that stops reading makes the scan incomplete: the command fails
// (exit status 1) unless incomplete scans are allowed, and the text says so.
func TestIncompleteScanFailsClosed(t *testing.T) {
	dir := t.TempDir()
	inner := zipOf(t, "a.txt", "nothing\n")
	if err := os.WriteFile(filepath.Join(dir, "nested.zip"), zipOf(t, "inner.zip", string(inner)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "scan.yaml")
	if err := os.WriteFile(cfg, []byte("limits:\n  max_depth: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, allow := range []bool{false, true} {
		var out, errs bytes.Buffer
		err := (&Command{Paths: []string{dir}, ConfigPath: cfg, Stdout: &out, Stderr: &errs, AllowIncomplete: allow}).Run(context.Background())
		var inc *IncompleteError
		if got := errors.As(err, &inc); got == allow {
			t.Errorf("allow=%v: error %v", allow, err)
		}
		if !strings.Contains(out.String(), "scan incomplete: limits stopped reading 1 part(s)") {
			t.Errorf("allow=%v: output %q", allow, out.String())
		}
	}
}

func zipOf(t *testing.T, name, content string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(content))
	zw.Close()
	return b.Bytes()
}
