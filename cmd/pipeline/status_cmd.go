package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/runtime"
)

func newStatusCmd() *cobra.Command {
	var (
		df     definitionFlags
		asJSON bool
	)
	c := &cobra.Command{
		Use:   "status FILE",
		Short: "Show which stages a run would execute, and why (writes nothing)",
		Args:  exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			g, ws, err := df.load(args[0])
			if err != nil {
				return err
			}
			st, err := runtime.Status(g, ws)
			if err != nil {
				return err
			}
			return printStatus(c.OutOrStdout(), st, asJSON)
		},
	}
	df.add(c, true)
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func printStatus(w io.Writer, st []runtime.StageStatus, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(map[string]any{"stages": st})
	}
	runs := 0
	for _, s := range st {
		state := "up to date"
		if s.State == runtime.WouldRun {
			state = "would run"
			runs++
		}
		fmt.Fprintf(w, "%s (%s): %s\n", s.Name, s.Kind, state)
		for _, r := range s.Reasons {
			fmt.Fprintf(w, "    %s\n", r)
		}
	}
	fmt.Fprintf(w, "%d of %d stages would run\n", runs, len(st))
	return nil
}

func newExplainCmd() *cobra.Command {
	var df definitionFlags
	c := &cobra.Command{
		Use:   "explain FILE STAGE",
		Short: "Say which part of a stage's key changed since its last run",
		Args:  exactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			g, ws, err := df.load(args[0])
			if err != nil {
				return err
			}
			st, err := runtime.Explain(g, ws, args[1])
			if err != nil {
				return usageError("%v", err)
			}
			w := c.OutOrStdout()
			for _, s := range st {
				state := "cached"
				if s.State == runtime.WouldRun {
					state = "would run"
				}
				fmt.Fprintf(w, "%s (%s): %s\n", s.Name, s.Kind, state)
				for _, r := range s.Reasons {
					fmt.Fprintf(w, "    %s\n", r)
				}
			}
			return nil
		},
	}
	df.add(c, true)
	return c
}
