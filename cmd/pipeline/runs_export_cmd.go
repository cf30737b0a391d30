package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime/mlflow"
)

// newRunsExportCmd is `runs export`, a subcommand of `runs`.
func newRunsExportCmd(rf *recordFlags) *cobra.Command {
	var (
		dir    string
		asJSON bool
	)
	c := &cobra.Command{
		Use:   "export --mlflow DIR [RUN...]",
		Short: "Write recorded runs (default: all of the workspace or definition) as an MLflow file store",
		Long: "Write runs as an MLflow file store at DIR, readable by MLflow with the tracking URI file:DIR (mlflow ui,\n" +
			"mlflow.search_runs, MlflowClient): an experiment per definition, an MLflow run per run with its params\n" +
			"(dotted keys; secrets stay [secret:NAME]), metrics (each stage's step metrics as a history, its final metrics,\n" +
			"and the key metrics under their bare names), tags (mlflow.runName, the run's --tag k=v, the note as\n" +
			"mlflow.note.content, the git commit as mlflow.source.git.commit, pipeline.run_id) and artifacts (links to\n" +
			"the outputs in the store). The same run always becomes the same MLflow run, so exporting again replaces it;\n" +
			"each run is written beside the store and renamed in. DIR must be new, empty or an MLflow store.\n" +
			"RUN is a run id, an unambiguous prefix or suffix, a name, `latest`, `latest~N` or a path.",
		Args: func(c *cobra.Command, args []string) error {
			if dir == "" {
				return usageError("%s needs --mlflow DIR (usage: %s)", c.CommandPath(), c.UseLine())
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			var runs []mlflow.Run
			if len(args) == 0 {
				sel, err := rf.selection("")
				if err != nil {
					return err
				}
				ids, err := sel.IDs()
				if err != nil {
					return failure("listing the runs of %s: %v", sel.Workspace.Root, err)
				}
				for i := len(ids) - 1; i >= 0; i-- { // oldest first
					m, err := artifacts.ReadManifest(sel.Workspace.ManifestPath(ids[i]))
					if err != nil {
						fmt.Fprintf(c.ErrOrStderr(), "skipping run %s: %v\n", ids[i], err)
						continue
					}
					runs = append(runs, mlflow.Run{Manifest: m, Workspace: sel.Workspace})
				}
			}
			seen := map[string]bool{}
			for _, ref := range args {
				m, ws, err := rf.load(ref)
				if err != nil {
					return err
				}
				if !seen[m.RunID] {
					seen[m.RunID] = true
					runs = append(runs, mlflow.Run{Manifest: m, Workspace: ws})
				}
			}
			out, err := mlflow.Export(dir, runs)
			if errors.Is(err, mlflow.ErrNotStore) {
				return usageError("--mlflow: %v", err)
			}
			if err != nil {
				return failure("%v", err)
			}
			if asJSON {
				if out == nil {
					out = []mlflow.Exported{}
				}
				return writeJSON(c.OutOrStdout(), out)
			}
			for _, e := range out {
				fmt.Fprintf(c.OutOrStdout(), "%s  experiment %s (%s)  run %s\n", e.PipelineRunID, e.Experiment, e.ExperimentID, e.RunID)
			}
			abs, _ := filepath.Abs(dir)
			_, err = fmt.Fprintf(c.OutOrStdout(), "exported %d run(s) to the MLflow store file:%s\n", len(out), abs)
			return err
		},
	}
	c.Flags().StringVar(&dir, "mlflow", "", "the MLflow file store `DIR` to write (created when absent)")
	c.Flags().BoolVar(&asJSON, "json", false, "print a JSON array: each run's pipeline and MLflow run ids and experiment")
	return c
}
