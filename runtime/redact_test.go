package runtime

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A secret split across writes of a long line without a newline (a
// progress bar's \r updates) is hidden wherever the split falls.
func TestRedactorHidesSecretsAcrossAnySplit(t *testing.T) {
	secret := "s3cr3t-v4lue-0123456789"
	line := strings.Repeat("x", 1<<16-7) + secret + strings.Repeat("\ry", 5000)
	for _, step := range []int{1, 7, 4096, 1 << 16, 1<<16 - 3, len(line)} {
		var out bytes.Buffer
		w := newRedactingWriter(&out, secret)
		for i := 0; i < len(line); i += step {
			w.Write([]byte(line[i:min(i+step, len(line))]))
		}
		w.Flush()
		if strings.Contains(out.String(), secret) || strings.Count(out.String(), Redacted) != 1 {
			t.Errorf("writes of %d bytes: secret shown or not replaced once", step)
		}
	}
}

// A stage's own secret-looking env entries are hidden in its log, and the
// manifest records the remote URL and secret --set values without secrets.
func TestSecretsStayOutOfLogsAndCommands(t *testing.T) {
	const def = `version: 1
name: secrets
stages:
  s:
    kind: exec
    with:
      cmd: "echo pass=$$DB_PASS; echo ok > $PIPELINE_OUT/o"
      outputs: [o]
      env: {DB_PASS: hunter2-hunter2}
`
	p := newProject(t, def, nil)
	res := p.run(Options{Command: []string{"pipeline", "run", "p.yaml", "--remote", "s3://key:hunter3@bucket/p?secret=hunter4", "--set", "db.password=hunter5", "--set=n=3"}})
	log, err := os.ReadFile(filepath.Join(p.workspace().RunDir(res.RunID), "logs", "s.log"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(log), "hunter2") || !strings.Contains(string(log), "pass="+Redacted) {
		t.Errorf("log: %s", log)
	}
	manifest, _ := os.ReadFile(res.ManifestPath)
	for _, s := range []string{"hunter3", "hunter4", "hunter5"} {
		if strings.Contains(string(manifest), s) {
			t.Errorf("the manifest holds %s", s)
		}
	}
	if got := strings.Join(res.Manifest.Command, " "); got != "pipeline run p.yaml --remote s3://bucket/p --set db.password="+Redacted+" --set=n=3" {
		t.Errorf("command %q", got)
	}
}
