package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/runtime"
)

func newStatusCmd() *cobra.Command {
	var (
		df       definitionFlags
		asJSON   bool
		exitCode bool
	)
	c := &cobra.Command{
		Use:   "status FILE",
		Short: "Show which stages a run would execute, and why (writes nothing)",
		Long: "Show which stages a run would execute, and why, without writing anything. With --exit-code the exit\n" +
			"status says it too: 0 when every stage is up to date, 1 when any would run (for CI: `pipeline status\n" +
			"--exit-code FILE || pipeline run FILE`).",
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			g, ws, err := df.load(args[0])
			if err != nil {
				return err
			}
			st, err := runtime.Status(g, ws)
			if err != nil {
				return err
			}
			if err := printStatus(c.OutOrStdout(), st, asJSON); err != nil {
				return err
			}
			if exitCode {
				for _, s := range st {
					if s.State == runtime.WouldRun {
						return &exitError{code: exitFailure, err: errors.New("")}
					}
				}
			}
			return nil
		},
	}
	df.add(c, true)
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.Flags().BoolVar(&exitCode, "exit-code", false, "exit with status 1 when any stage would run")
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
	var (
		df     definitionFlags
		asJSON bool
	)
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
			if asJSON {
				return json.NewEncoder(w).Encode(map[string]any{"stages": st})
			}
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
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON: each instance's name, kind, state, key and reasons")
	return c
}
