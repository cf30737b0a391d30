package train

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/mlpipe/pipeline/stages"
)

// The resume test runs a training in a child process (this test binary,
// re-executed) that reports each step on stdout and hangs at a chosen step,
// after a checkpoint is on disk; the parent kills it with SIGKILL, resumes
// the training in its scratch directory, and compares the model with an
// uninterrupted run's.
const (
	childEnv     = "TRAIN_RESUME_CHILD"
	childHangEnv = "TRAIN_RESUME_HANG_AT"
)

var resumeParams = map[string]any{
	"model":      map[string]any{"type": "transformer_classifier", "d_model": int64(16), "layers": int64(1), "heads": int64(2), "dropout": 0.1},
	"batch_size": int64(8), "steps": int64(16), "lr": 0.01, "eval_every": int64(4), "checkpoint_every": int64(3),
	"keep_last": int64(2), "keep_best": int64(1),
}

// hangingProgress prints each step and blocks forever at step hangAt.
type hangingProgress struct{ hangAt int64 }

func (hangingProgress) Start(int64, string) {}
func (hangingProgress) Add(int64)           {}
func (p hangingProgress) Set(done int64, _ string) {
	fmt.Printf("step %d\n", done)
	if done == p.hangAt {
		select {}
	}
}

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		os.Exit(runChild(spec))
	}
	os.Exit(m.Run())
}

// runChild trains with the inputs and scratch directory given as JSON in spec.
func runChild(spec string) int {
	var s struct {
		Inputs  map[string]string
		Scratch string
		Out     string
	}
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	hang, _ := strconv.ParseInt(os.Getenv(childHangEnv), 10, 64)
	env := &stages.Env{Stage: "train", Inputs: s.Inputs, OutDir: s.Out, ScratchDir: s.Scratch, Params: resumeParams, Seed: 7,
		Progress: hangingProgress{hangAt: hang}}
	if _, err := (Kind{}).Run(context.Background(), env); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func TestResumeAfterSIGKILLIsBitIdentical(t *testing.T) {
	inputs := classInputs(t)
	scratch := t.TempDir()

	// The child hangs at step 7: checkpoints of steps 3 and 6 are on disk
	// (and the best one by val_loss), the loop is mid-way.
	spec, _ := json.Marshal(map[string]any{"Inputs": inputs, "Scratch": scratch, "Out": t.TempDir()})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(spec), childHangEnv+"=7")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	reached := false
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "step 7" {
			reached = true
			break
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if !reached {
		t.Fatal("the child training never reached step 7")
	}
	if entries, _ := filepath.Glob(filepath.Join(scratch, "checkpoints", "step-*")); len(entries) == 0 {
		t.Fatal("no checkpoint on disk after the kill")
	}

	resumed := newEnv(t, resumeParams, inputs, scratch)
	res, err := Kind{}.Run(context.Background(), resumed)
	if err != nil {
		t.Fatal(err)
	}
	if res.Metrics["resumed_from_step"] != 6 {
		t.Fatalf("resumed_from_step = %v, want 6", res.Metrics["resumed_from_step"])
	}
	fresh := newEnv(t, resumeParams, inputs, "")
	if _, err := (Kind{}).Run(context.Background(), fresh); err != nil {
		t.Fatal(err)
	}
	if a, b := dirDigest(t, resumed.OutPath(PortModel)), dirDigest(t, fresh.OutPath(PortModel)); a != b {
		t.Fatalf("resumed model %s differs from the uninterrupted one %s", a, b)
	}
	// The history's losses match too (tokens per second are wall-clock measurements).
	hr, hf := readHistory(t, resumed.OutPath(PortHistory)), readHistory(t, fresh.OutPath(PortHistory))
	if fmt.Sprint(hr) != fmt.Sprint(hf) {
		t.Fatalf("history steps differ: %v vs %v", hr, hf)
	}
}
