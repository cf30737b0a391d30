package main

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/temporalexec"
)

// temporalRun is how `run --executor temporal` carries out a run: its
// flags, handed to temporalexec.Run.
type temporalRun struct {
	flags     temporalFlags
	remoteURL string
	heartbeat time.Duration
	attempts  int
}

// run opens the shared store and runs g on Temporal (temporalexec.Run); a
// mistake in the run's files is a usage error, anything else a failure.
func (t *temporalRun) run(ctx context.Context, g *pipeline.Graph, ws *runtime.Workspace, sets []string, keepGoing bool, opts runtime.Options) (*runtime.RunResult, error) {
	rs, _, err := openShared(ctx, t.remoteURL, opts.Log)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	policy := temporalexec.DefaultPolicy()
	if t.heartbeat > 0 {
		policy.Heartbeat = t.heartbeat
	}
	if t.attempts > 0 {
		policy.Attempts = int32(t.attempts)
	}
	cfg := temporalexec.RunConfig{Remote: rs, Sets: sets, KeepGoing: keepGoing, Policy: policy,
		Dial: func() (client.Client, error) { return t.flags.dial(opts.Log) }}
	res, err := temporalexec.Run(ctx, g, ws, cfg, opts)
	var be *temporalexec.BundleError
	switch {
	case errors.As(err, &be):
		return nil, usageError("%v", be.Err)
	case err != nil && !carriesExitCode(err):
		return nil, failure("%v", err)
	}
	return res, err
}

// carriesExitCode reports whether err already says how the command exits.
func carriesExitCode(err error) bool {
	var ee *exitError
	var ce codedError
	return errors.As(err, &ee) || errors.As(err, &ce)
}
