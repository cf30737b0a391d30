package main

import (
	"context"
	"time"

	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/temporalexec"
)

// temporalRun is how `run --executor temporal` carries out a run.
type temporalRun struct {
	flags     temporalFlags
	remoteURL string
	heartbeat time.Duration
	attempts  int
}

// run uploads the run's bundle, finds the stages the remote store already
// holds, hands the rest to a Temporal workflow (joining one already running
// for the same run), then records the run locally: outputs fetched into the
// workspace, manifest written.
func (t *temporalRun) run(ctx context.Context, g *pipeline.Graph, ws *runtime.Workspace, sets []string, keepGoing bool, opts runtime.Options) (*runtime.RunResult, error) {
	started := time.Now().UTC()
	log := opts.Log
	rs, _, err := openShared(ctx, t.remoteURL, log)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	opts.Remote = rs
	b, err := runtime.MakeBundle(g, ws, sets)
	if err != nil {
		return nil, usageError("%v", err)
	}
	bundle, err := runtime.PushBundle(ctx, g, ws, rs, b)
	if err != nil {
		return nil, failure("uploading the run's files: %v", err)
	}
	known, keys, err := runtime.RemoteOutcomes(ctx, g, ws, rs)
	if err != nil {
		return nil, failure("looking up the remote store: %v", err)
	}
	if opts.RunID == "" {
		opts.RunID = runtime.NewRunID(started)
	}
	outcomes := known
	if len(known) < len(g.Nodes) {
		tc, err := t.flags.dial(log)
		if err != nil {
			return nil, err
		}
		defer tc.Close()
		id := temporalexec.WorkflowID(g, bundle, keys)
		policy := temporalexec.DefaultPolicy()
		if t.heartbeat > 0 {
			policy.Heartbeat = t.heartbeat
		}
		if t.attempts > 0 {
			policy.Attempts = int32(t.attempts)
		}
		plan := temporalexec.Plan(g)
		var toRun []temporalexec.PlannedStage
		for _, s := range plan {
			if known[s.Name] == nil {
				toRun = append(toRun, s)
			}
		}
		if idle, err := temporalexec.IdleQueues(ctx, tc, toRun); err != nil {
			log.Warn().Err(err).Msg("could not check for workers")
		} else {
			for _, q := range idle {
				log.Warn().Str("queue", q).Msg("no worker serves this queue yet; its stages wait until one starts (`pipeline worker --queues " + q + "`)")
			}
		}
		log.Info().Str("workflow", id).Int("cached", len(known)).Int("to_run", len(g.Nodes)-len(known)).Msg("submitting the run to Temporal")
		res, err := temporalexec.Submit(ctx, tc, id, temporalexec.Input{RunID: opts.RunID, Bundle: bundle, Stages: plan,
			Known: known, KeepGoing: keepGoing, Policy: policy}, func(stage, status string) {
			log.Info().Str("stage", stage).Msg(status)
		})
		if err != nil {
			return nil, failure("%v", err)
		}
		outcomes = res.Stages
	} else {
		log.Info().Msg("every stage is in the remote store; nothing to submit")
	}
	return runtime.RecordRun(ctx, g, ws, outcomes, started, opts)
}
