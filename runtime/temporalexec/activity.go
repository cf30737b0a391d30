package temporalexec

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/rs/zerolog"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/distributed"
)

// errSetup is the error type of failures no other attempt can fix: the
// definition does not compile here, or the task names no stage of it.
const errSetup = "PipelineSetup"

// Activities executes stages on a worker machine.
type Activities struct {
	// Workspace is the worker's own workspace (its local store tier).
	Workspace *runtime.Workspace
	// Remote is the shared store, opened from RemoteURL.
	Remote distributed.SharedStore
	// RemoteURL is passed to each `exec-stage` child.
	RemoteURL string
	// Command starts `pipeline` (this binary) with the given arguments.
	Command func(args ...string) *exec.Cmd
	// Output receives the children's output; their logs arrive as JSON
	// lines, one per write (a zerolog.ConsoleWriter renders them as text).
	Output io.Writer
	// Log receives the worker's logs.
	Log zerolog.Logger
}

// ExecStage keys the task's stage and, unless the remote store holds it,
// stores its spec under that key and runs `pipeline exec-stage KEY` as a
// child process, heartbeating until it exits. The child dies with the worker. A stage that fails by itself is
// returned as a failed outcome, not an error, so it is not retried; an
// error (the child crashed or was killed, a store could not be reached) is
// retried by Temporal, on any worker of the queue.
func (a *Activities) ExecStage(ctx context.Context, t Task) (*distributed.StageOutcome, error) {
	info := activity.GetInfo(ctx)
	log := a.Log.With().Str("stage", t.Stage).Int32("attempt", info.Attempt).Logger()
	spec := &distributed.StageSpec{Bundle: t.Bundle, Stage: t.Stage, Upstream: t.Upstream}
	ready, err := distributed.PrepareStage(ctx, a.Workspace, a.Remote, spec)
	var ce *distributed.CompileError
	if errors.As(err, &ce) {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), errSetup, err)
	}
	if err != nil {
		return nil, err
	}
	hit, key := ready.Hit, ready.Key
	if hit != nil {
		// Another run produced it since this one started (or an upstream
		// stage re-ran to the same bytes): one request, no child, no data.
		log.Info().Str("key", key).Msg("stage found in the remote store")
		return distributed.Outcome(hit), nil
	}
	if err := a.Remote.PutSpec(ctx, key, spec.Encode()); err != nil {
		return nil, err
	}
	resultDir, err := os.MkdirTemp("", "pipeline-stage-")
	if err != nil {
		return nil, fmt.Errorf("creating a result folder: %w", err)
	}
	defer os.RemoveAll(resultDir)
	resultPath := filepath.Join(resultDir, "outcome.json")
	cmd := a.Command("exec-stage", key, "--remote", a.RemoteURL, "--workspace", a.Workspace.Root, "--run-id", t.RunID,
		"--result", resultPath, "--log-format", "json")
	cmd.Stdout = a.Output
	logs, err := cmd.StderrPipe()
	if err != nil {
		return nil, fmt.Errorf("starting exec-stage for %s: %w", t.Stage, err)
	}
	rl := &relay{out: a.Output}
	// The child dies with the worker, so a lost worker never leaves a stage
	// running that another worker is about to run again.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	log.Info().Str("key", key).Msg("executing stage")
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting exec-stage for %s: %w", t.Stage, err)
	}
	exited := make(chan error, 1)
	go func() {
		rl.run(logs) // until the child closes its stderr
		exited <- cmd.Wait()
	}()
	every := info.HeartbeatTimeout / 3
	if every <= 0 || every > 10*time.Second {
		every = 10 * time.Second
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	var waitErr error
wait:
	for {
		select {
		case waitErr = <-exited:
			break wait
		case <-tick.C:
			activity.RecordHeartbeat(ctx, Heartbeat{Stage: t.Stage, Key: key, Progress: rl.progress()})
		case <-ctx.Done():
			_ = cmd.Process.Kill()
			<-exited
			return nil, fmt.Errorf("stage %s abandoned: %w", t.Stage, ctx.Err())
		}
	}
	data, rerr := os.ReadFile(resultPath)
	if rerr != nil {
		if waitErr != nil {
			return nil, fmt.Errorf("exec-stage for %s ended without a result: %v", t.Stage, waitErr)
		}
		return nil, fmt.Errorf("reading the result of %s: %w", t.Stage, rerr)
	}
	var out distributed.StageOutcome
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("parsing the result of %s: %w", t.Stage, err)
	}
	log.Info().Str("status", out.Status).Msg("stage finished")
	return &out, nil
}
