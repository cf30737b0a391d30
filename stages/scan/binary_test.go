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

	"github.com/mlpipe/pipeline/internal/testutil/scancorpus"
)

// A credential inside a binary file (a NUL in its first bytes) is found in
// its printable runs, and the summary says how many files were binary; a
// member name with control characters cannot reach the terminal raw.
func TestBinaryFilesAndControlCharacters(t *testing.T) {
	fam := map[string]scancorpus.Family{}
	for _, x := range scancorpus.Families() {
		fam[x.Name] = x
	}
	secret := fam["github-pat"].Make(scancorpus.NewFake(3))
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

// A credential in a UTF-32 file, with or without its byte-order mark, is
// found at its line as in the UTF-8 text.
func TestUTF32Files(t *testing.T) {
	fam := map[string]scancorpus.Family{}
	for _, x := range scancorpus.Families() {
		fam[x.Name] = x
	}
	text := "first line\n" + fam["github-pat"].Make(scancorpus.NewFake(5)).Render() + "\n"
	enc := func(big bool) []byte {
		var out []byte
		for _, r := range text {
			if big {
				out = append(out, byte(r>>24), byte(r>>16), byte(r>>8), byte(r))
			} else {
				out = append(out, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
			}
		}
		return out
	}
	dir := t.TempDir()
	files := map[string][]byte{
		"le-bom.txt": append([]byte{0xFF, 0xFE, 0, 0}, enc(false)...),
		"be-bom.txt": append([]byte{0, 0, 0xFE, 0xFF}, enc(true)...),
		"le.txt":     enc(false),
		"be.txt":     enc(true),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := New(Options{}).ScanPaths(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 4 || rep.BinaryFiles != 0 {
		t.Fatalf("%d findings, %d binary files; want 4 and 0", len(rep.Findings), rep.BinaryFiles)
	}
	for _, f := range rep.Findings {
		if f.Line != 2 {
			t.Errorf("%s: line %d, want 2", f.Path, f.Line)
		}
	}
}

// A finding on a line longer than the scanner's chunk is reported at its
// column in the whole line, not in the chunk that saw it.
func TestColumnsOnVeryLongLines(t *testing.T) {
	fam := map[string]scancorpus.Family{}
	for _, x := range scancorpus.Families() {
		fam[x.Name] = x
	}
	secret := fam["github-pat"].Make(scancorpus.NewFake(9))
	pad := strings.Repeat("é", 5<<20) // 10 MiB of two-byte runes: longer than a chunk
	text := "short\n" + pad + " token=" + secret.Value + "\n"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "long.txt"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := New(Options{}).ScanPaths(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 {
		t.Fatalf("%d findings, want 1", len(rep.Findings))
	}
	f := rep.Findings[0]
	if want := 5<<20 + len(" token=") + 1; f.Line != 2 || f.TextColumn != want {
		t.Errorf("line %d column %d, want line 2 column %d", f.Line, f.TextColumn, want)
	}
}
