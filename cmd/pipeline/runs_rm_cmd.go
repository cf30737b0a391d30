package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/runtime/gc"
	"github.com/mlpipe/pipeline/runtime/records"
)

// newRunsRmCmd is `runs rm`, a subcommand of `runs`.
func newRunsRmCmd() *cobra.Command {
	var workspace string
	c := &cobra.Command{
		Use:   "rm ID [FILE | --file FILE | --workspace DIR]",
		Short: "Delete a run's manifest and logs (its objects stay until `pipeline gc`)",
		Long: "rm deletes runs/<ID>/ of the workspace. ID is a run id, an unambiguous prefix or suffix of one, `latest` or `latest~N`.\n" +
			"The objects the run references are left in the store; `pipeline gc` frees those no other run needs.",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				return usageError("%s expects a run ID and optionally a definition FILE, got %d argument(s) (usage: %s)", c.CommandPath(), len(args), c.UseLine())
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			defs := args[1:]
			// `runs` may give its subcommands a --file flag naming the definition.
			if file, _ := c.Flags().GetString("file"); file != "" {
				if len(defs) > 0 && defs[0] != file {
					return usageError("give the definition once: %s or --file %s", defs[0], file)
				}
				defs = []string{file}
			}
			ws, err := lifecycleWorkspace(workspace, defs)
			if err != nil {
				return err
			}
			id, err := gc.ResolveRun(ws, args[0])
			if err != nil {
				return failure("%v", err)
			}
			freed, err := gc.RemoveRun(ws, id)
			if err != nil {
				return failure("%v", err)
			}
			_, err = fmt.Fprintf(c.OutOrStdout(), "removed run %s (%s); run `pipeline gc` to free the objects no other run needs\n", id, records.FormatBytes(freed.Bytes))
			return err
		},
	}
	c.Flags().StringVar(&workspace, "workspace", "", "workspace directory (default: .pipeline beside FILE, or ./.pipeline)")
	return c
}
