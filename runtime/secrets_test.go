package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const secretFileDef = `version: 1
name: secrets
stages:
  s:
    kind: exec
    with:
      cmd: "printf %s \"$$TOKEN\" > $PIPELINE_OUT/o"
      outputs: [o]
      env: {TOKEN: "${secret:SVC_TOKEN}"}
`

// A reference resolves from NAME_FILE (trailing newline dropped) when NAME
// is unset; the workspace key is made once, owner-only, and reused, so an
// unchanged secret is a cache hit; status without the secret says why the
// key is unknown.
func TestSecretFromFileAndWorkspaceKey(t *testing.T) {
	t.Setenv(SecretKeyEnv, "")
	t.Setenv("SVC_TOKEN", "")
	p := newProject(t, secretFileDef, map[string]string{"token.txt": "file-held-token\n"})
	t.Setenv("SVC_TOKEN_FILE", filepath.Join(p.dir, "token.txt"))
	res := p.run(Options{})
	out := res.Stages[0].Outputs["o"]
	if b, _ := os.ReadFile(p.workspace().Store.ObjectPath(out.Digest)); string(b) != "file-held-token" {
		t.Errorf("the stage got %q", b)
	}
	st, err := os.Stat(p.workspace().SecretKeyPath())
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret key: %v %v", st, err)
	}
	if again := p.run(Options{}); again.Stages[0].Status != StatusCached {
		t.Errorf("an unchanged secret re-ran the stage: %s", again.Stages[0].Status)
	}
	ki := res.Stages[0].Record.KeyInputs
	if h := ki.Secrets["SVC_TOKEN"]; !strings.HasPrefix(h, "hmac-sha256:") || strings.Contains(h, "file-held-token") {
		t.Errorf("key pre-image secrets: %v", ki.Secrets)
	}
	t.Setenv("SVC_TOKEN_FILE", "")
	sts, err := Status(p.graph(), p.workspace())
	if err != nil {
		t.Fatal(err)
	}
	if sts[0].State != WouldRun || !strings.Contains(strings.Join(sts[0].Reasons, " "), "secret `SVC_TOKEN` is not set") {
		t.Errorf("status without the secret: %+v", sts[0])
	}
}
