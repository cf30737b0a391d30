package sysmetrics

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestTreeCountsDescendants(t *testing.T) {
	// Two background children that wait until killed; "ready" is printed
	// once both were started.
	cmd := exec.Command("sh", "-c", "tail -f /dev/null & tail -f /dev/null & echo ready; wait")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}()
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("child said %q, %v", line, err)
	}
	u, err := Tree(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if u.Processes != 3 || u.RSSBytes <= 0 || u.PeakRSSBytes < u.RSSBytes {
		t.Errorf("child tree %+v", u)
	}
	self, err := Tree(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if self.Processes < 4 {
		t.Errorf("own tree %+v lacks the child's", self)
	}
	if _, err := Tree(1 << 30); err == nil {
		t.Error("a missing process was measured")
	}
}

func TestTreeCountsWaitedChildrenCPU(t *testing.T) {
	before, err := Tree(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "-c", "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	after, err := Tree(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	child := FromProcessState(cmd.ProcessState)
	if child.CPUSeconds <= 0 || child.PeakRSSBytes <= 0 {
		t.Fatalf("child usage %+v", child)
	}
	// The kernel counts in ticks of 10ms; the tree also holds this test's own time.
	if got := after.CPUSeconds - before.CPUSeconds; got < child.CPUSeconds-0.02 {
		t.Errorf("the tree's CPU grew by %.3fs, less than the child's %.3fs", got, child.CPUSeconds)
	}
}

func TestSpan(t *testing.T) {
	s, err := Start(filepath.Join(t.TempDir(), "system.ndjson"), time.Second, make(chan time.Time), WithNvidiaSMI(""))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	sp := s.Span()
	if err := exec.Command("sh", "-c", "i=0; while [ $i -lt 50000 ]; do i=$((i+1)); done").Run(); err != nil {
		t.Fatal(err)
	}
	u, err := sp.End()
	if err != nil {
		t.Fatal(err)
	}
	if u.CPUSeconds <= 0 || u.PeakRSSBytes <= 0 {
		t.Errorf("span %+v", u)
	}
}

// BenchmarkTree is the cost of one sample of this process's tree: it lists
// every process on the machine to find the descendants.
func BenchmarkTree(b *testing.B) {
	for range b.N {
		if _, err := Tree(os.Getpid()); err != nil {
			b.Fatal(err)
		}
	}
}
