package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
)

func newAuditCmd() *cobra.Command {
	var (
		reexecute, asJSON bool
		workspace         string
	)
	c := &cobra.Command{
		Use:   "audit MANIFEST",
		Short: "Re-hash every artifact a run's manifest names; --reexecute runs each stage again and compares outputs bit for bit",
		Args:  exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			m, err := artifacts.ReadManifest(args[0])
			if err != nil {
				return usageError("%v", err)
			}
			if workspace == "" {
				// manifest lives at <workspace>/runs/<id>/manifest.json
				workspace = runtime.WorkspaceOfManifest(args[0])
			}
			ws, err := runtime.OpenWorkspace(workspace)
			if err != nil {
				return err
			}
			w := c.OutOrStdout()
			bad := runtime.Audit(m, ws)
			var reexec []runtime.Reexecution
			if reexecute {
				reexec, err = runtime.Reexecute(context.Background(), m, ws, logger())
				var refused *runtime.RefusedManifestError
				if errors.As(err, &refused) {
					return failure("%v", err)
				}
				if err != nil {
					return err
				}
			}
			differs := 0
			for _, r := range reexec {
				if r.Result == "different" || r.Result == "failed" || r.Result == runtime.ResultInputCorrupt {
					differs++
				}
			}
			if asJSON {
				if err := json.NewEncoder(w).Encode(map[string]any{"run_id": m.RunID, "mismatches": bad, "reexecution": reexec}); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(w, "run %s: %d stages, %d sources\n", m.RunID, len(m.Stages), len(m.Sources))
				for _, b := range bad {
					fmt.Fprintf(w, "MISMATCH %s\n", b)
				}
				if len(bad) == 0 {
					fmt.Fprintln(w, "every recorded artifact matches its digest")
				}
				for _, r := range reexec {
					line := fmt.Sprintf("%-10s %s", r.Result, r.Stage)
					if r.Detail != "" {
						line += ": " + r.Detail
					}
					fmt.Fprintln(w, line)
				}
			}
			if len(bad) > 0 || differs > 0 {
				return failure("audit of run %s: %d mismatched artifacts, %d stages not reproduced", m.RunID, len(bad), differs)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&reexecute, "reexecute", false, "run every stage again with the cache bypassed and compare outputs")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.Flags().StringVar(&workspace, "workspace", "", "workspace holding the run's objects (default: the manifest's)")
	return c
}
