package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/artifacts/remote"
	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/records"
)

func init() { extraCommands = append(extraCommands, newPushCmd, newPullCmd, newCheckoutCmd) }

// openSyncRemote opens the remote store push and pull share with others.
func openSyncRemote(c *cobra.Command, url string, write bool) (*remote.Store, error) {
	url = firstNonEmpty(url, os.Getenv("PIPELINE_REMOTE"))
	if url == "" {
		return nil, usageError("%s needs a remote store: pass --remote URL or set PIPELINE_REMOTE", c.CommandPath())
	}
	rs, err := remote.Open(c.Context(), url, remote.WithLogger(logger()))
	if err != nil {
		return nil, usageError("opening the remote store: %v", err)
	}
	if write && rs.ReadOnly() {
		rs.Close()
		return nil, usageError("the remote store %s is read-only; push writes to it", url)
	}
	return rs, nil
}

// openSync loads a definition (without compiling it: its sources may not be
// here yet), opens its workspace and the remote store.
func openSync(c *cobra.Command, df *definitionFlags, path, remoteURL string, write bool) (*pipeline.Definition, *runtime.Workspace, *remote.Store, error) {
	def, err := pipeline.Load(path)
	if err != nil {
		return nil, nil, nil, err
	}
	ws, err := df.openWorkspace(path)
	if err != nil {
		return nil, nil, nil, err
	}
	rs, err := openSyncRemote(c, remoteURL, write)
	if err != nil {
		return nil, nil, nil, err
	}
	return def, ws, rs, nil
}

func newPushCmd() *cobra.Command {
	var (
		df        definitionFlags
		remoteURL string
		runRef    string
	)
	c := &cobra.Command{
		Use:   "push FILE",
		Short: "Upload a definition's tracked sources and a run's outputs to the remote store, so teammates can pull them",
		Long: "Upload the files the definition tracks (`sources: [data/*.csv]`), writing their digests to the lock file\n" +
			"beside it (NAME.lock, for version control), and the outputs and cache records of a recorded run of it\n" +
			"(--run, default latest; none when it has not run yet), so that a machine with the definition and the lock\n" +
			"file can `pipeline pull` them.",
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			def, ws, rs, err := openSync(c, &df, args[0], remoteURL, true)
			if err != nil {
				return err
			}
			defer rs.Close()
			w := c.OutOrStdout()
			if len(def.Sources) > 0 {
				lock, err := runtime.PushSources(c.Context(), def, ws, rs)
				if err != nil {
					return failure("%v", err)
				}
				fmt.Fprintf(w, "sources: %d pushed, digests in %s\n", len(lock.Sources), runtime.SourceLockPath(def.Path))
			}
			sel := records.Selection{Workspace: ws, Definition: def.Path}
			ref := firstNonEmpty(runRef, records.Latest)
			m, _, err := records.Load(sel, ref)
			if errors.Is(err, records.ErrNoRun) && runRef == "" {
				fmt.Fprintln(w, "outputs: no recorded run to push")
				return nil
			}
			if err != nil {
				return usageError("%v", err)
			}
			n, total, err := runtime.PushRun(c.Context(), ws, m, rs)
			if err != nil {
				return failure("pushing run %s: %v", m.RunID, err)
			}
			fmt.Fprintf(w, "outputs: run %s, %d stage records pushed (%d already there)\n", m.RunID, n, total-n)
			return nil
		},
	}
	df.add(c, false)
	c.Flags().StringVar(&remoteURL, "remote", "", "the shared remote store (default $PIPELINE_REMOTE)")
	c.Flags().StringVar(&runRef, "run", "", "the `RUN` whose outputs to push (default: the newest of this definition)")
	return c
}

func newPullCmd() *cobra.Command {
	var (
		df        definitionFlags
		remoteURL string
		force     bool
	)
	c := &cobra.Command{
		Use:   "pull FILE [STAGE...]",
		Short: "Restore a definition's tracked sources and fetch the outputs the remote store holds for its stages",
		Long: "Restore the tracked source files the lock file beside the definition names that are missing here (or,\n" +
			"with --force, differ), then fetch, for every stage (or the STAGEs named and what they need), the outputs\n" +
			"the remote store holds under its current key into the local store: a following `pipeline run` finds them\n" +
			"cached. Nothing runs.",
		Args: minArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			def, ws, rs, err := openSync(c, &df, args[0], remoteURL, false)
			if err != nil {
				return err
			}
			defer rs.Close()
			w := c.OutOrStdout()
			if _, err := os.Stat(runtime.SourceLockPath(def.Path)); err == nil || len(def.Sources) > 0 {
				restored, err := runtime.PullSources(c.Context(), def, ws, rs, force)
				if err != nil {
					return failure("%v", err)
				}
				counts := map[string][]string{}
				for _, r := range restored {
					counts[r.State] = append(counts[r.State], r.Path)
				}
				fmt.Fprintf(w, "sources: %d restored, %d unchanged", len(counts["restored"]), len(counts["unchanged"]))
				if kept := counts["kept"]; len(kept) > 0 {
					fmt.Fprintf(w, ", %d differ from the lock and were kept (--force replaces them): %s", len(kept), strings.Join(kept, ", "))
				}
				fmt.Fprintln(w)
			}
			g, err := df.compile(args[0])
			if err != nil {
				return err
			}
			if len(args) > 1 {
				if g, err = g.Select(args[1:]); err != nil {
					return err
				}
			}
			found, missing, err := runtime.PullOutputs(c.Context(), g, ws, rs, logger())
			if err != nil {
				return failure("%v", err)
			}
			fmt.Fprintf(w, "outputs: %d of %d stages available here", len(found), len(g.Nodes))
			if len(missing) > 0 {
				fmt.Fprintf(w, "; not in the remote store (a run makes them): %s", strings.Join(missing, ", "))
			}
			fmt.Fprintln(w)
			return nil
		},
	}
	df.add(c, true)
	c.Flags().StringVar(&remoteURL, "remote", "", "the shared remote store (default $PIPELINE_REMOTE)")
	c.Flags().BoolVar(&force, "force", false, "replace tracked sources that differ from the lock file")
	return c
}

func newCheckoutCmd() *cobra.Command {
	var (
		rf        recordFlags
		remoteURL string
	)
	c := &cobra.Command{
		Use:   "checkout RUN",
		Short: "Make the output view (.pipeline/out/NAME) show a recorded run's outputs again",
		Long: "Point the output view of the run's definition at that run's outputs, as after the run itself. Objects the\n" +
			"local store lacks are fetched from the remote store (--remote or $PIPELINE_REMOTE) when one is given.",
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			m, ws, err := rf.load(args[0])
			if err != nil {
				return err
			}
			var store runtime.RemoteStore
			if url := firstNonEmpty(remoteURL, os.Getenv("PIPELINE_REMOTE")); url != "" {
				rs, err := openSyncRemote(c, url, false)
				if err != nil {
					return err
				}
				defer rs.Close()
				store = rs
			}
			dir, err := runtime.Checkout(c.Context(), ws, m, store)
			if err != nil {
				return failure("checking out run %s: %v", m.RunID, err)
			}
			fmt.Fprintf(c.OutOrStdout(), "%s now shows run %s\n", dir, m.RunID)
			return nil
		},
	}
	rf.add(c)
	c.Flags().StringVar(&remoteURL, "remote", "", "fetch missing objects from this remote store (default $PIPELINE_REMOTE)")
	return c
}
