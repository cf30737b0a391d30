package scan

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zip"

	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/internal/testutil/scancorpus"
)

// fixture writes a small tree of fake secrets and decoys (generated, so that
// no credential-looking text is committed) and returns its directory and the
// secret values planted.
func fixture(t *testing.T) (string, []string) {
	t.Helper()
	f := scancorpus.NewFake(7)
	dir := t.TempDir()
	var secrets []string
	fam := map[string]scancorpus.Family{}
	for _, x := range scancorpus.Families() {
		fam[x.Name] = x
	}
	line := func(name string) string {
		s := fam[name].Make(f)
		secrets = append(secrets, s.Value)
		return s.Render()
	}
	write := func(rel, content string) {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app.env", "# app\n"+line("github-pat")+"\nDEBUG=1\n"+line("url-password")+"\npassword: changeme\n")
	write("data.jsonl", `{"id":1,"text":"hello"}`+"\n"+`{"id":2,"meta":{"notes":["ok",`+quoteJSON(line("slack-token"))+`]}}`+"\n")
	write("table.csv", "id,text\n1,\"multi\nline "+strings.ReplaceAll(line("stripe-secret-key"), `"`, `""`)+"\"\n")
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("conf/.env")
	w.Write([]byte(line("aws-access-key-id") + "\n"))
	w, _ = zw.Create("../escape.txt")
	w.Write([]byte("nothing here\n"))
	zw.Close()
	write("bundle.zip", zb.String())
	write("src/main.py", "password = os.environ[\"DB_PASSWORD\"]\n")
	return dir, secrets
}

func quoteJSON(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testutil.Golden(t, filepath.Join("testdata", name+".golden"), got)
}

// TestFormats pins the three output formats on the fixture and checks that
// no secret appears in any of them.
func TestFormats(t *testing.T) {
	dir, secrets := fixture(t)
	rep, err := New(Options{}).ScanNamed(context.Background(), []Named{{Display: "tree", Path: dir}})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, format, rep); err != nil {
				t.Fatal(err)
			}
			for _, s := range secrets {
				if strings.Contains(b.String(), s) {
					t.Fatalf("%s output contains a secret", format)
				}
			}
			golden(t, "format-"+format, b.Bytes())
		})
	}
	var b bytes.Buffer
	WriteWarnings(&b, rep)
	golden(t, "warnings", b.Bytes())
}

// TestCommand checks exit semantics and allowlists of `pipeline scan`.
func TestCommand(t *testing.T) {
	dir, _ := fixture(t)
	cfg := func(body string) string {
		p := filepath.Join(t.TempDir(), "scan.yaml")
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	tests := []struct {
		name     string
		paths    []string
		format   string
		config   string
		usage    bool
		findings int
	}{
		{"findings", []string{dir}, "text", "", false, 5},
		{"nothing", []string{filepath.Join(dir, "src")}, "jsonl", "", false, 0},
		{"unknown format", []string{dir}, "xml", "", true, 0},
		{"no paths", nil, "", "", true, 0},
		{"missing path", []string{filepath.Join(dir, "absent")}, "", "", true, 0},
		{"allow rules", []string{dir}, "jsonl", cfg("allowlist:\n  rules: [github-pat, slack-token]\n"), false, 3},
		{"allow paths", []string{dir}, "jsonl", cfg("allowlist:\n  paths: [\"*.zip!**\", \"**/table.csv\"]\n"), false, 3},
		{"allow regex", []string{dir}, "jsonl", cfg("allowlist:\n  regexes: [\"^AKIA\"]\n"), false, 4},
		{"bad key", []string{dir}, "jsonl", cfg("allowlist:\n  rulez: [jwt]\n"), true, 0},
		{"bad regex", []string{dir}, "jsonl", cfg("allowlist:\n  regexes: [\"(\"]\n"), true, 0},
		{"missing config", []string{dir}, "jsonl", "/nonexistent/scan.yaml", true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := (&Command{Paths: tc.paths, Format: tc.format, ConfigPath: tc.config, Stdout: &out, Stderr: &errOut}).Run(context.Background())
			var fe *FindingsError
			switch {
			case tc.usage:
				if !errors.Is(err, ErrUsage) {
					t.Fatalf("got %v, want a usage error", err)
				}
			case tc.findings > 0:
				if !errors.As(err, &fe) || fe.N != tc.findings {
					t.Fatalf("got %v, want %d findings\n%s", err, tc.findings, out.String())
				}
			default:
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
			}
		})
	}
}

// TestAllowValueAndDigest checks allowlisting one secret by value and another
// by digest.
func TestAllowValueAndDigest(t *testing.T) {
	dir, secrets := fixture(t)
	a, err := NewAllowlist(AllowlistConfig{Values: []string{secrets[0]}, SHA256: []string{scancorpus.Sum(secrets[1])}})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := New(Options{Allow: a}).ScanPaths(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != len(secrets)-2 {
		t.Fatalf("got %d findings, want %d", len(rep.Findings), len(secrets)-2)
	}
}

func TestConfigError(t *testing.T) {
	_, err := ParseConfig("scan.yaml", []byte("limits:\n  max_depth: deep\n"))
	if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), "[2:") {
		t.Fatalf("got %v, want a usage error naming line 2", err)
	}
	c, err := ParseConfig("scan.yaml", []byte("limits:\n  max_depth: 2\n  max_ratio: 50\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Limits.MaxDepth == nil || *c.Limits.MaxDepth != 2 || *c.Limits.MaxRatio != 50 {
		t.Fatalf("limits not read: %+v", c.Limits)
	}
}
