package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// secretsDef uses a secret by reference from the environment, one inside a
// URL, a literal under a secret-looking parameter (overridden with --set),
// and a literal secret-looking env entry. Its stage prints every value it
// gets and writes their digest, proving it received them.
const secretsDef = `version: 1
name: secrets
params:
  db: {password: "param-literal-value-0001"}
stages:
  s:
    kind: exec
    with:
      cmd: >-
        echo "token=$$API_TOKEN pw=$$DB_PW url=$$URL plain=$$PLAIN_PASS";
        echo "to stderr $$API_TOKEN" >&2;
        printf '%s|%s|%s|%s' "$$API_TOKEN" "$$DB_PW" "$$URL" "$$PLAIN_PASS" | sha256sum | cut -c1-64 > $PIPELINE_OUT/digest
      outputs: {digest: file}
      env:
        API_TOKEN: "${secret:API_TOKEN}"
        DB_PW: "${db.password}"
        URL: "postgres://u:${secret:DB_PASS}@db.example/app"
        PLAIN_PASS: "env-literal-value-0002"
`

// captureStderr runs f with the process's stderr (where the engine logs)
// sent to a file, and returns what was written.
func captureStderr(t *testing.T, f func()) string {
	t.Helper()
	tmp, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stderr
	os.Stderr = tmp
	defer func() { os.Stderr = old }()
	f()
	tmp.Close()
	b, err := os.ReadFile(tmp.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// No value a definition uses as a secret reaches the workspace (manifests,
// keys, logs, records, reports), stdout or stderr of any command, while the
// stage receives every one of them; a changed secret re-runs the stage and
// explain says which secret changed, without its value.
func TestSecretsNeverWrittenInClear(t *testing.T) {
	t.Setenv("PIPELINE_REMOTE", "")
	t.Setenv("PIPELINE_SECRET_KEY", "")
	t.Setenv("API_TOKEN", "ref-token-value-AAAA")
	t.Setenv("DB_PASS", "ref-dbpass-value-BBBB")
	values := []string{"ref-token-value-AAAA", "ref-dbpass-value-BBBB", "set-override-value-CCCC", "param-literal-value-0001", "env-literal-value-0002"}
	def := writeDef(t, secretsDef)
	dir := filepath.Dir(def)
	ws := filepath.Join(dir, ".pipeline")
	report := filepath.Join(dir, "report.html")

	var shown strings.Builder
	runCLI := func(want int, args ...string) string {
		t.Helper()
		var code int
		var stdout, stderr string
		logs := captureStderr(t, func() { code, stdout, stderr = cli(t, args...) })
		shown.WriteString(stdout + stderr + logs)
		if code != want {
			t.Fatalf("%v: exit %d, want %d\n%s%s%s", args, code, want, stdout, stderr, logs)
		}
		return stdout + stderr + logs
	}
	out := runCLI(0, "run", def, "--set", "db.password=set-override-value-CCCC")
	if !strings.Contains(out, "db.password") || !strings.Contains(out, "${secret:") {
		t.Errorf("no warning suggesting the reference form for the literal secret:\n%s", out)
	}
	runCLI(0, "report", "latest", "--workspace", ws, "-o", report)
	runCLI(0, "runs", "export", "--mlflow", filepath.Join(dir, "mlruns"), "--workspace", ws)
	runCLI(0, "runs", "--workspace", ws)
	runCLI(0, "runs", "show", "latest", "--workspace", ws)
	runCLI(0, "runs", "show", "latest", "--workspace", ws, "--json")
	runCLI(0, "config", def, "--set", "db.password=set-override-value-CCCC")
	runCLI(0, "status", def, "--set", "db.password=set-override-value-CCCC")
	runCLI(0, "explain", def, "s", "--set", "db.password=set-override-value-CCCC")

	// The stage got the values themselves.
	m := lastManifest(t, def)
	sum := sha256.Sum256([]byte("ref-token-value-AAAA|set-override-value-CCCC|postgres://u:ref-dbpass-value-BBBB@db.example/app|env-literal-value-0002"))
	catOut := runCLI(0, "cat", def, "s.digest", "--set", "db.password=set-override-value-CCCC")
	if !strings.Contains(catOut, hex.EncodeToString(sum[:])) {
		t.Errorf("the stage did not receive the secrets' values: digest %q", catOut)
	}

	// A changed secret re-runs the stage, and explain names it.
	t.Setenv("API_TOKEN", "ref-token-value-DDDD")
	values = append(values, "ref-token-value-DDDD")
	ex := runCLI(0, "explain", def, "s", "--set", "db.password=set-override-value-CCCC")
	if !strings.Contains(ex, "secret `API_TOKEN` changed") {
		t.Errorf("explain does not name the changed secret:\n%s", ex)
	}
	runCLI(0, "run", def, "--set", "db.password=set-override-value-CCCC")
	if st := stageRecord(t, lastManifest(t, def), "s"); st.Status != "ran" {
		t.Errorf("stage %s after the secret changed, want ran", st.Status)
	}
	runCLI(0, "metrics", "diff", "latest~1", "latest", "--workspace", ws)

	// A missing secret is an error naming it, never an empty value.
	t.Setenv("DB_PASS", "")
	miss := runCLI(1, "run", def, "--set", "db.password=set-override-value-CCCC")
	if !strings.Contains(miss, "secret `DB_PASS` is not set") {
		t.Errorf("a missing secret is not named:\n%s", miss)
	}

	for _, v := range values {
		if strings.Contains(shown.String(), v) {
			t.Errorf("a command printed the secret %q", v)
		}
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == def {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, v := range values {
			if strings.Contains(string(b), v) {
				t.Errorf("%s holds the secret %q", p, v)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(report); err != nil {
		t.Errorf("no report written: %v", err)
	}
	log, _ := os.ReadFile(filepath.Join(ws, "runs", m.RunID, "logs", "s.log"))
	if !strings.Contains(string(log), "token=[redacted]") {
		t.Errorf("the stage log does not show the redacted value:\n%s", log)
	}
}
