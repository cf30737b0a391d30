package runtime

import (
	"bufio"
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/pipeline"
)

// childEnv names the definition a re-executed test binary runs, for tests
// that kill a run with SIGKILL.
const childEnv = "PIPELINE_RUNTIME_TEST_CHILD"

func TestMain(m *testing.M) {
	if def := os.Getenv(childEnv); def != "" {
		d, err := pipeline.Load(def)
		if err != nil {
			os.Exit(2)
		}
		g, err := pipeline.Compile(d, nil)
		if err != nil {
			os.Exit(2)
		}
		ws, _ := OpenWorkspace(filepath.Join(filepath.Dir(def), ".pipeline"))
		res, err := Run(context.Background(), g, ws, Options{Jobs: 1, Log: zerolog.Nop()})
		if err != nil || res.Status != RunSucceeded {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestKilledRunResumes kills a run with SIGKILL while a stage has written
// part of its output, then checks that nothing partial is served, the stale
// scratch output is cleaned, and the next run completes correctly.
func TestKilledRunResumes(t *testing.T) {
	def := `version: 1
name: killed
stages:
  first: {kind: exec, with: {cmd: "seq 1 1000 > $PIPELINE_OUT/o", outputs: [o]}}
  second:
    kind: exec
    inputs: {x: first}
    with:
      cmd: |
        head -c 100 $PIPELINE_IN_X > $PIPELINE_OUT/o
        if [ -p gate.fifo ]; then echo ready $$$$ > gate.fifo; sleep 600; fi
        cat $PIPELINE_IN_X > $PIPELINE_OUT/o
      outputs: [o]
  third: {kind: exec, inputs: {x: second}, with: {cmd: "wc -l < $PIPELINE_IN_X > $PIPELINE_OUT/o", outputs: [o]}}
`
	p := newProject(t, def, nil)
	fifo := filepath.Join(p.dir, "gate.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"="+p.def)
	child.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(fifo) // blocks until the stage opens it for writing
	if err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(f).ReadString('\n')
	f.Close()
	fields := strings.Fields(line)
	if len(fields) != 2 || fields[0] != "ready" {
		t.Fatalf("child said %q", line)
	}
	// Kill the engine, then the stage's shell when it runs in a process
	// group of its own outside a sandbox (inside one it is PID 1 of its own
	// PID namespace and dies with the engine).
	if err := syscall.Kill(-child.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if pgid, err := strconv.Atoi(fields[1]); err == nil && pgid > 1 {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	}
	_ = child.Wait()
	if err := os.Remove(fifo); err != nil {
		t.Fatal(err)
	}

	ws := p.workspace()
	stale, _ := filepath.Glob(filepath.Join(ws.Root, "scratch", "*", "out-*"))
	if len(stale) == 0 {
		t.Fatal("expected the killed stage's partial output in scratch")
	}
	st, err := Status(p.graph(), ws)
	if err != nil {
		t.Fatal(err)
	}
	if st[0].State != WouldBeHit || st[1].State != WouldRun {
		t.Fatalf("after the kill: first=%s second=%s", st[0].State, st[1].State)
	}
	res := p.run(Options{})
	if got := statuses(res); got != "first=cached second=ran third=ran" {
		t.Fatalf("resumed run: %s", got)
	}
	out, err := os.ReadFile(filepath.Join(ws.Root, "out", "pipeline", "third", "o"))
	if err != nil || strings.TrimSpace(string(out)) != "1000" {
		t.Errorf("final output %q, %v", out, err)
	}
	if left, _ := filepath.Glob(filepath.Join(ws.Root, "scratch", "*")); len(left) != 0 {
		t.Errorf("scratch not cleaned: %v", left)
	}
}

// TestKilledAtRandomMomentsConverges kills runs of a 40-stage pipeline with
// SIGKILL after random delays (so at arbitrary points: inside a stage, while
// publishing, between publishing and recording), then checks that the next
// uninterrupted run serves nothing partial: every output equals a clean run's,
// and every recorded artifact passes the audit.
func TestKilledAtRandomMomentsConverges(t *testing.T) {
	def := wideChainDefinition(20)
	clean := newProject(t, def, map[string]string{"seed.txt": "seed\n"})
	want := clean.run(Options{})
	digests := map[string]string{}
	for _, s := range want.Stages {
		digests[s.Node.Name] = s.Outputs["o"].Digest
	}

	p := newProject(t, def, map[string]string{"seed.txt": "seed\n"})
	rng := rand.New(rand.NewPCG(1, 2))
	killed := 0
	for i := 0; i < 8; i++ {
		child := exec.Command(os.Args[0], "-test.run=^$")
		child.Env = append(os.Environ(), childEnv+"="+p.def)
		child.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.IntN(60)) * time.Millisecond
		timer := time.AfterFunc(delay, func() { _ = syscall.Kill(-child.Process.Pid, syscall.SIGKILL) })
		_ = child.Wait()
		timer.Stop()
		if ws, ok := child.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			killed++
		}
	}
	t.Logf("%d of 8 runs were killed before they finished", killed)
	res := p.run(Options{})
	if res.Status != RunSucceeded {
		t.Fatalf("run after the kills: %s", statuses(res))
	}
	for _, s := range res.Stages {
		if got := s.Outputs["o"].Digest; got != digests[s.Node.Name] {
			t.Errorf("%s: output %s, a clean run gives %s", s.Node.Name, got, digests[s.Node.Name])
		}
	}
	if bad := Audit(res.Manifest, p.workspace()); len(bad) != 0 {
		t.Errorf("audit after the kills: %v", bad)
	}
}
