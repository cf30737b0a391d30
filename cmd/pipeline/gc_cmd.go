package main

import (
	"encoding/json"
	"errors"
	"os"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/gc"
)

func init() { extraCommands = append(extraCommands, newGCCmd) }

func newGCCmd() *cobra.Command {
	var (
		workspace     string
		keep          int
		dryRun, asJSN bool
	)
	c := &cobra.Command{
		Use:   "gc [FILE | --workspace DIR]",
		Short: "Delete old runs, and the objects and cache records that no kept run and no current output needs",
		Long: "gc keeps the newest --keep-runs runs and every object their manifests name, every object a current\n" +
			"output (out/<stage>/<port>) points to, and the action-cache records whose outputs are all kept; it\n" +
			"deletes the rest and prints what it frees. It refuses while a pipeline runs in the workspace.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if keep < 0 {
				return usageError("--keep-runs must be 0 or more, got %d", keep)
			}
			ws, err := lifecycleWorkspace(workspace, args)
			if err != nil {
				return err
			}
			rep, err := gc.Collect(ws, gc.Options{KeepRuns: keep, DryRun: dryRun})
			if errors.Is(err, gc.ErrBusy) {
				return failure("%v", err)
			}
			if err != nil {
				return failure("gc: %v", err)
			}
			if asJSN {
				return json.NewEncoder(c.OutOrStdout()).Encode(rep)
			}
			return rep.WriteText(c.OutOrStdout())
		},
	}
	c.Flags().StringVar(&workspace, "workspace", "", "workspace directory (default: .pipeline beside FILE, or ./.pipeline)")
	c.Flags().IntVar(&keep, "keep-runs", gc.DefaultKeepRuns, "keep the newest N runs and everything they reference")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "report what would be deleted; change nothing")
	c.Flags().BoolVar(&asJSN, "json", false, "print the report as one JSON object")
	return c
}

// lifecycleWorkspace opens the workspace a store command works on: the
// --workspace directory, else `.pipeline` beside the definition FILE, else
// `.pipeline` in the current directory. It creates nothing.
func lifecycleWorkspace(dir string, args []string) (*runtime.Workspace, error) {
	switch {
	case dir != "" && len(args) > 0:
		return nil, usageError("give a definition FILE or --workspace DIR, not both")
	case len(args) > 0:
		if _, err := os.Stat(args[0]); err != nil {
			return nil, usageError("cannot read the definition %s: %v", args[0], errors.Unwrap(err))
		}
		dir = runtime.DefaultWorkspace(args[0])
	case dir == "":
		dir = ".pipeline"
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return nil, usageError("no workspace at %s: give a definition FILE or --workspace DIR", dir)
	}
	ws, err := runtime.OpenWorkspace(dir)
	if err != nil {
		return nil, failure("opening workspace: %v", err)
	}
	return ws, nil
}
