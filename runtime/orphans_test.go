package runtime

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// processesWith lists the live processes whose environment holds marker.
func processesWith(marker string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err == nil && bytes.Contains(env, []byte(marker)) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// survivors waits (on each process's pidfd, up to limit) for the processes
// to exit and returns those still running afterwards.
func survivors(pids []int, limit time.Duration) []string {
	var alive []string
	deadline := time.Now().Add(limit)
	for _, pid := range pids {
		fd, err := unix.PidfdOpen(pid, 0)
		if err != nil {
			continue // already gone
		}
		ms := max(int(time.Until(deadline).Milliseconds()), 0)
		n, _ := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, ms)
		unix.Close(fd)
		if n == 0 {
			cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
			alive = append(alive, fmt.Sprintf("%d %q", pid, bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})))
		}
	}
	return alive
}

// TestNoStageProcessOutlivesTheEngine kills the engine (only the engine's
// own process) with SIGKILL at 40 random moments of a run whose stage starts
// background children, and checks after each kill that no process of the
// stage is left running.
func TestNoStageProcessOutlivesTheEngine(t *testing.T) {
	if !sandboxWorks(t) {
		t.Skip("this system cannot make PID and mount namespaces, so stages run unsandboxed and a SIGKILL-ed engine's grandchildren cannot be reclaimed")
	}
	def := `version: 1
name: orphans
stages:
  spawn:
    kind: exec
    with:
      cmd: |
        echo started >> started.log
        (while :; do echo tick >> ticks.log; sleep 0.01; done) &
        sh -c 'sleep 600' &
        sleep 600
      outputs: [o]
`
	p := newProject(t, def, nil)
	rng := rand.New(rand.NewPCG(3, 4))
	running := 0
	for trial := range 40 {
		marker := fmt.Sprintf("PIPELINE_ORPHAN_TEST=%d-%d", os.Getpid(), trial)
		child := exec.Command(os.Args[0], "-test.run=^$")
		child.Env = append(os.Environ(), childEnv+"="+p.def, marker)
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(20+rng.IntN(280)) * time.Millisecond
		timer := time.AfterFunc(delay, func() { _ = child.Process.Kill() })
		_ = child.Wait()
		timer.Stop()
		left := processesWith(marker)
		if len(left) > 0 {
			running++
		}
		if alive := survivors(left, 10*time.Second); len(alive) > 0 {
			t.Fatalf("trial %d (killed after %s): stage processes outlived the engine:\n%s", trial, delay, strings.Join(alive, "\n"))
		}
	}
	started, _ := os.ReadFile(filepath.Join(p.dir, "started.log"))
	n := bytes.Count(started, []byte("\n"))
	if n == 0 {
		t.Errorf("the stage had not started at any of the 40 kills; the campaign shows nothing")
	}
	t.Logf("40 kills, %d of them with the stage's processes running; at %d its processes were still exiting when the engine was gone", n, running)
}

// sandboxWorks reports whether a sandboxed stage runs here (PID 1 in its
// own PID namespace).
func sandboxWorks(t *testing.T) bool {
	t.Helper()
	p := newProject(t, `version: 1
name: probe
stages:
  pid: {kind: exec, with: {cmd: "echo $$$$ > $PIPELINE_OUT/o", outputs: [o]}}
`, nil)
	res := p.run(Options{})
	if res.Status != RunSucceeded {
		return false
	}
	b, _ := os.ReadFile(p.workspace().Store.ObjectPath(res.Stages[0].Outputs["o"].Digest))
	return strings.TrimSpace(string(b)) == "1"
}

// TestSandboxedStageCannotChangeTheStore runs a stage that tries to rewrite
// its input in place and to write into the store: both are refused by the
// read-only mount, while its output, its scratch and the project stay
// writable.
func TestSandboxedStageCannotChangeTheStore(t *testing.T) {
	if !sandboxWorks(t) {
		t.Skip("this system cannot make mount namespaces; TestStageRewritingItsInputFails covers the check that replaces the sandbox there")
	}
	def := `version: 1
name: ro
stages:
  a: {kind: exec, with: {cmd: "echo hello > $PIPELINE_OUT/o", outputs: [o]}}
  b:
    kind: exec
    inputs: {x: a.o}
    with:
      cmd: |
        { sed -i s/hello/HELLO/ $PIPELINE_IN_X 2>&1 || echo sed-refused
          touch $(dirname $PIPELINE_IN_X)/new 2>&1 || echo touch-refused
          echo project > project.txt && echo project-ok
          cat $PIPELINE_IN_X; } > $PIPELINE_OUT/o
      outputs: [o]
  h:
    kind: exec
    sandbox: hermetic
    with:
      cmd: |
        { echo x > project.txt 2>/dev/null || echo project-refused
          echo "home=$$HOME"
          echo t > $$TMPDIR/t && echo tmp-ok
          echo > /dev/null && echo devnull-ok; } > $PIPELINE_OUT/o
      outputs: [o]
`
	p := newProject(t, def, nil)
	res := p.run(Options{})
	if res.Status != RunSucceeded {
		t.Fatalf("run: %s", statuses(res))
	}
	out, _ := os.ReadFile(outputObject(t, p, "b", "o"))
	for _, want := range []string{"Read-only file system", "sed-refused", "touch-refused", "project-ok", "hello"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("readonly stage output lacks %q:\n%s", want, out)
		}
	}
	out, _ = os.ReadFile(outputObject(t, p, "h", "o"))
	for _, want := range []string{"project-refused", "home=/nonexistent", "tmp-ok", "devnull-ok"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("hermetic stage output lacks %q:\n%s", want, out)
		}
	}
	if got, _ := os.ReadFile(outputObject(t, p, "a", "o")); string(got) != "hello\n" {
		t.Errorf("a's output is now %q", got)
	}
}
