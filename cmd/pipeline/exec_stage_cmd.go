package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/distributed"
	"github.com/mlpipe/pipeline/runtime/progress"
)

func init() { extraCommands = append(extraCommands, newExecStageCmd) }

func newExecStageCmd() *cobra.Command {
	var remoteURL, workspace, runID, result string
	c := &cobra.Command{
		Use:   "exec-stage KEY",
		Short: "Execute one stage of a distributed run from the spec stored under its key in the remote store",
		Long: `Execute one stage of a distributed run. The remote store holds, under the
stage's key, a spec naming the run's bundle (the definition and its files by
digest) and the outputs of the stages upstream. exec-stage rebuilds the
project in its workspace, fetches the inputs, serves the stage from the cache
or runs it, and uploads its outputs and record before exiting. Workers run it
for each stage; a Kubernetes Job or an Argo step can use it as entrypoint.

The outcome (status, key, outputs by digest, manifest record) is printed as
JSON on stdout, or written to --result. Exit status: 0 when the stage ran or
was cached, 1 when it failed (the outcome is still written), 2 on bad usage.`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			key := args[0]
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			log := logger()
			rs, _, err := openShared(ctx, remoteURL, log)
			if err != nil {
				return err
			}
			defer rs.Close()
			ws, err := workerWorkspace(workspace)
			if err != nil {
				return err
			}
			raw, err := rs.GetSpec(ctx, key)
			if err != nil {
				return failure("reading the spec of %s: %v", key, err)
			}
			if raw == nil {
				return usageError("the remote store holds no spec for stage key %s", key)
			}
			spec, err := distributed.DecodeStageSpec(raw)
			if err != nil {
				return failure("stage key %s: %v", key, err)
			}
			ready, err := distributed.PrepareStage(ctx, ws, rs, spec)
			if err != nil {
				return failure("%v", err)
			}
			g, hit, computed := ready.Graph, ready.Hit, ready.Key
			if computed != key && len(g.Secrets) > 0 {
				if n, ok := g.Node(spec.Stage); ok && len(n.Secrets) > 0 {
					return failure("stage %s has key %s on this machine, not %s: it uses secrets (%s), whose hashes are keyed per workspace; set %s to one shared value on every machine of the run",
						spec.Stage, computed, key, strings.Join(n.Secrets, ", "), runtime.SecretKeyEnv)
				}
			}
			if computed != key {
				return failure("stage %s has key %s on this machine, not %s: this binary or its stage kinds differ from the ones that keyed it", spec.Stage, computed, key)
			}
			if hit != nil {
				return writeOutcome(c, result, hit)
			}
			opts := runtime.Options{Remote: rs, RunID: runID, Log: log, BeforeWork: restoreGC,
				Command: append([]string{"pipeline"}, os.Args[1:]...)}
			logOptions(&opts, os.Stderr)
			if !globals.quiet {
				// Progress lines in the log: a worker relays the newest
				// with its heartbeats.
				sink := progress.NewLog(log, progress.DefaultLogEvery)
				defer sink.Close()
				opts.Progress = sink
			}
			res, err := distributed.ExecStage(ctx, g, ws, spec, opts)
			if err != nil {
				return failure("%v", err)
			}
			if res.Key != key {
				return failure("stage %s ran under key %s, not %s", spec.Stage, res.Key, key)
			}
			return writeOutcome(c, result, res)
		},
	}
	c.Flags().StringVar(&remoteURL, "remote", "", "shared store holding the spec and the data (default $PIPELINE_REMOTE)")
	c.Flags().StringVar(&workspace, "workspace", "", "this machine's workspace (default: the user cache directory's pipeline/worker)")
	c.Flags().StringVar(&runID, "run-id", "", "run the stage's log is kept under")
	c.Flags().StringVar(&result, "result", "", "write the outcome JSON to this file instead of stdout")
	return c
}

// writeOutcome prints a stage's outcome, or writes it to path, and fails
// when the stage did.
func writeOutcome(c *cobra.Command, path string, res *runtime.StageResult) error {
	out, err := json.Marshal(distributed.Outcome(res))
	if err != nil {
		return failure("encoding the outcome: %v", err)
	}
	if path == "" {
		fmt.Fprintln(c.OutOrStdout(), string(out))
	} else if err := artifacts.WriteFileAtomic(path, out); err != nil {
		return failure("writing the outcome: %v", err)
	}
	if res.Status == runtime.StatusFailed {
		return failure("stage %s failed: %v", res.Node.Name, res.Err)
	}
	return nil
}
