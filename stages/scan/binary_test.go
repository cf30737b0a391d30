package scan

import (
	"archive/zip"
	"bytes"
	"context"
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
