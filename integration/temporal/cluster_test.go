//go:build integration

package temporal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/server/temporaltest"

	"github.com/mlpipe/pipeline/artifacts/remote/remotetest"
)

// pipelineBin is the CLI under test, built once by TestMain.
var pipelineBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pipeline-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pipelineBin = filepath.Join(dir, "pipeline")
	// Built in the main module, with its own dependency versions: the
	// binary under test is the one users build.
	build := exec.Command("go", "build", "-o", pipelineBin, "./cmd/pipeline")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building pipeline: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cluster is a Temporal server, an S3 server and the workers of one test.
type cluster struct {
	t         *testing.T
	gw        *remotetest.Gateway
	remoteURL string
	address   string
	namespace string

	mu      sync.Mutex
	workers map[string]*worker
}

type worker struct {
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan struct{}
}

func newCluster(t *testing.T) *cluster {
	gw := remotetest.Start(t)
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	return &cluster{t: t, gw: gw, remoteURL: gw.URL(strings.ReplaceAll(t.Name(), "/", "-")),
		address: ts.GetFrontendHostPort(), namespace: ts.GetDefaultNamespace(), workers: map[string]*worker{}}
}

// startWorker starts `pipeline worker` with its own workspace; the stages it
// executes see WORKER_NAME=name.
func (c *cluster) startWorker(name, queues string) {
	c.t.Helper()
	w := &worker{logs: &syncBuffer{}, done: make(chan struct{})}
	w.cmd = exec.Command(pipelineBin, "worker", "--queues", queues, "--remote", c.remoteURL, "--temporal", c.address,
		"--namespace", c.namespace, "--workspace", c.t.TempDir(), "--cpu-slots", "2")
	w.cmd.Env = append(os.Environ(), "WORKER_NAME="+name, "NO_COLOR=1")
	w.cmd.Stdout, w.cmd.Stderr = w.logs, w.logs
	if err := w.cmd.Start(); err != nil {
		c.t.Fatalf("starting worker %s: %v", name, err)
	}
	go func() { w.cmd.Wait(); close(w.done) }()
	c.mu.Lock()
	c.workers[name] = w
	c.mu.Unlock()
	c.t.Cleanup(func() {
		w.cmd.Process.Kill()
		<-w.done
		if c.t.Failed() {
			c.t.Logf("worker %s output:\n%s", name, w.logs.String())
		}
	})
}

// kill ends a worker as a lost machine would: SIGKILL, no goodbye.
func (c *cluster) kill(name string) {
	c.mu.Lock()
	w := c.workers[name]
	c.mu.Unlock()
	w.cmd.Process.Kill()
	<-w.done
}

// runResult is the part of `run --json` the tests read.
type runResult struct {
	Status   string `json:"status"`
	Manifest string `json:"manifest"`
	Stages   []struct {
		Name    string            `json:"name"`
		Status  string            `json:"status"`
		Key     string            `json:"key"`
		Outputs map[string]string `json:"outputs"`
	} `json:"stages"`
}

func (r *runResult) statuses() string {
	var parts []string
	for _, s := range r.Stages {
		parts = append(parts, s.Name+"="+s.Status)
	}
	return strings.Join(parts, " ")
}

func (r *runResult) outputs() map[string]string {
	out := map[string]string{}
	for _, s := range r.Stages {
		for port, d := range s.Outputs {
			out[s.Name+"."+port] = d
		}
	}
	return out
}

// pipelineCmd prepares a CLI command with the cluster's addresses.
func (c *cluster) runCmd(def string, extra ...string) (*exec.Cmd, *bytes.Buffer, *syncBuffer) {
	args := append([]string{"run", def, "--json", "--executor", "temporal", "--remote", c.remoteURL,
		"--temporal", c.address, "--namespace", c.namespace, "--heartbeat", "2s"}, extra...)
	cmd := exec.Command(pipelineBin, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var stdout bytes.Buffer
	stderr := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	return cmd, &stdout, stderr
}

// run runs a definition on the cluster and returns its result.
func (c *cluster) run(def string, extra ...string) (*runResult, string) {
	c.t.Helper()
	cmd, stdout, stderr := c.runCmd(def, extra...)
	err := cmd.Run()
	return c.result(err, stdout, stderr)
}

func (c *cluster) result(err error, stdout *bytes.Buffer, stderr *syncBuffer) (*runResult, string) {
	c.t.Helper()
	var res runResult
	if jerr := json.Unmarshal(stdout.Bytes(), &res); jerr != nil {
		c.t.Fatalf("run: %v / %v\nstdout: %s\nstderr: %s", err, jerr, stdout, stderr.String())
	}
	if err != nil && res.Status == "succeeded" {
		c.t.Fatalf("run succeeded but exited with %v", err)
	}
	return &res, stderr.String()
}

// localRun runs a definition with the local executor.
func localRun(t *testing.T, def string) *runResult {
	t.Helper()
	out, err := exec.Command(pipelineBin, "run", def, "--json", "--quiet").Output()
	var res runResult
	if jerr := json.Unmarshal(out, &res); jerr != nil || err != nil {
		t.Fatalf("local run: %v / %v\n%s", err, jerr, out)
	}
	return &res
}

// project writes a definition and its files into a new directory.
func project(t *testing.T, def string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["pipeline.yaml"] = def
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "pipeline.yaml")
}

// waitFor polls for a file matching pattern until the deadline: the stages
// of these tests announce themselves by creating one.
func waitFor(t *testing.T, pattern string, deadline time.Duration) []string {
	t.Helper()
	end := time.Now().Add(deadline)
	for {
		if m, _ := filepath.Glob(pattern); len(m) > 0 {
			return m
		}
		if time.Now().After(end) {
			t.Fatalf("nothing matched %s within %s", pattern, deadline)
		}
		<-time.After(50 * time.Millisecond)
	}
}

// readLines reads a marks file: one worker name per execution.
func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return strings.Fields(string(b))
}

// syncBuffer is a bytes.Buffer safe for a process's output and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// procResult is a pipeline command running in the background.
type procResult struct {
	cmd    *exec.Cmd
	stdout *bytes.Buffer
	stderr *syncBuffer
}

// startPipeline starts the CLI in the background.
func startPipeline(t *testing.T, args ...string) *procResult {
	t.Helper()
	p := &procResult{cmd: exec.Command(pipelineBin, args...), stdout: &bytes.Buffer{}, stderr: &syncBuffer{}}
	p.cmd.Env = append(os.Environ(), "NO_COLOR=1")
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return p
}

// wait waits for the command and parses its `--json` result.
func (p *procResult) wait(t *testing.T) *runResult {
	t.Helper()
	err := p.cmd.Wait()
	var res runResult
	if jerr := json.Unmarshal(p.stdout.Bytes(), &res); jerr != nil {
		t.Fatalf("%v / %v\nstdout: %s\nstderr: %s", err, jerr, p.stdout, p.stderr.String())
	}
	return &res
}

// execPipeline runs the CLI and returns its combined output.
func execPipeline(args ...string) (string, error) {
	out, err := exec.Command(pipelineBin, args...).CombinedOutput()
	return string(out), err
}
