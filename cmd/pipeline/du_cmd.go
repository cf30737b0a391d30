package main

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/runtime/gc"
)

func init() { extraCommands = append(extraCommands, newDuCmd) }

func newDuCmd() *cobra.Command {
	var (
		workspace string
		asJSON    bool
	)
	c := &cobra.Command{
		Use:   "du [FILE | --workspace DIR]",
		Short: "Show the store's disk usage by area, by stage and by run (writes nothing)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			ws, err := lifecycleWorkspace(workspace, args)
			if err != nil {
				return err
			}
			u, err := gc.DiskUsage(ws)
			if err != nil {
				return failure("du: %v", err)
			}
			if asJSON {
				return json.NewEncoder(c.OutOrStdout()).Encode(u)
			}
			return u.WriteText(c.OutOrStdout())
		},
	}
	c.Flags().StringVar(&workspace, "workspace", "", "workspace directory (default: .pipeline beside FILE, or ./.pipeline)")
	c.Flags().BoolVar(&asJSON, "json", false, "print the usage as one JSON object")
	return c
}
