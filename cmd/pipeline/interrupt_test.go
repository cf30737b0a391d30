package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// cliChildEnv makes the test binary act as the pipeline command, for tests
// that signal a real process.
const cliChildEnv = "PIPELINE_CLI_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(cliChildEnv) != "" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// Ctrl-C during a stage ends the run as "interrupted" with exit status 130,
// after the stage's command was asked to stop, and records the manifest.
func TestInterruptedRunExits130(t *testing.T) {
	dir := t.TempDir()
	def := filepath.Join(dir, "p.yaml")
	fifo := filepath.Join(dir, "ready.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	src := `version: 1
name: interrupted
stages:
  slow:
    kind: exec
    with:
      cmd: |
        trap 'echo got-term >> ` + filepath.Join(dir, "trapped.log") + `; exit 143' TERM
        echo ready > ready.fifo
        while :; do sleep 0.05; done
      outputs: [o]
`
	if err := os.WriteFile(def, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "run", def, "--quiet")
	cmd.Env = append(os.Environ(), cliChildEnv+"=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(fifo) // returns once the stage is running
	if err != nil {
		t.Fatal(err)
	}
	_, _ = bufio.NewReader(f).ReadString('\n')
	f.Close()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Fatalf("exit status %d (%v), want 130; stderr:\n%s", code, err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr: %s", stderr.String())
	}
	manifests, _ := filepath.Glob(filepath.Join(dir, ".pipeline", "runs", "*", "manifest.json"))
	if len(manifests) != 1 {
		t.Fatalf("manifests: %v", manifests)
	}
	b, _ := os.ReadFile(manifests[0])
	var m struct{ Status string }
	if err := json.Unmarshal(b, &m); err != nil || m.Status != "interrupted" {
		t.Errorf("manifest status %q (%v)", m.Status, err)
	}
	if trapped, _ := os.ReadFile(filepath.Join(dir, "trapped.log")); !strings.Contains(string(trapped), "got-term") {
		t.Errorf("the stage's command was not sent SIGTERM first")
	}
}
