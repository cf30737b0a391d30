package temporalexec

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/distributed"
)

// RunConfig is what a run on Temporal needs besides its graph and
// workspace.
type RunConfig struct {
	// Remote is the store the workers share.
	Remote distributed.SharedStore
	// Dial connects to Temporal; it is called only when some stage must run.
	Dial func() (client.Client, error)
	// Sets are the run's --set overrides, carried in its bundle.
	Sets      []string
	KeepGoing bool
	Policy    Policy
}

// BundleError is an error in making the run's bundle: a mistake in the
// definition or its files, not in the cluster.
type BundleError struct{ Err error }

func (e *BundleError) Error() string { return e.Err.Error() }
func (e *BundleError) Unwrap() error { return e.Err }

// Run carries out a run on Temporal: it uploads the run's bundle, finds
// the stages the remote store already holds, hands the rest to a workflow
// (joining one already running for the same run), then records the run in
// the workspace: outputs fetched, manifest written.
func Run(ctx context.Context, g *pipeline.Graph, ws *runtime.Workspace, cfg RunConfig, opts runtime.Options) (*runtime.RunResult, error) {
	started := time.Now().UTC()
	log := opts.Log
	opts.Remote = cfg.Remote
	b, err := distributed.MakeBundle(g, ws, cfg.Sets)
	if err != nil {
		return nil, &BundleError{err}
	}
	bundle, err := distributed.PushBundle(ctx, g, ws, cfg.Remote, b)
	if err != nil {
		return nil, fmt.Errorf("uploading the run's files: %w", err)
	}
	known, keys, err := distributed.RemoteOutcomes(ctx, g, ws, cfg.Remote)
	if err != nil {
		return nil, fmt.Errorf("looking up the remote store: %w", err)
	}
	if opts.RunID == "" {
		opts.RunID = runtime.NewRunID(started)
	}
	outcomes := known
	if len(known) == len(g.Nodes) {
		log.Info().Msg("every stage is in the remote store; nothing to submit")
		return distributed.RecordRun(ctx, g, ws, outcomes, started, opts)
	}
	tc, err := cfg.Dial()
	if err != nil {
		return nil, err
	}
	defer tc.Close()
	id := WorkflowID(g, bundle, keys)
	plan := Plan(g)
	var toRun []PlannedStage
	for _, s := range plan {
		if known[s.Name] == nil {
			toRun = append(toRun, s)
		}
	}
	if idle, err := IdleQueues(ctx, tc, toRun); err != nil {
		log.Warn().Err(err).Msg("could not check for workers")
	} else {
		for _, q := range idle {
			log.Warn().Str("queue", q).Msg("no worker serves this queue yet; its stages wait until one starts (`pipeline worker --queues " + q + "`)")
		}
	}
	log.Info().Str("workflow", id).Int("cached", len(known)).Int("to_run", len(g.Nodes)-len(known)).Msg("submitting the run to Temporal")
	res, err := Submit(ctx, tc, id, Input{RunID: opts.RunID, Bundle: bundle, Stages: plan,
		Known: known, KeepGoing: cfg.KeepGoing, Policy: cfg.Policy}, func(stage, status string) {
		log.Info().Str("stage", stage).Msg(status)
	})
	if err != nil {
		return nil, err
	}
	return distributed.RecordRun(ctx, g, ws, res.Stages, started, opts)
}
