package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/records"
)

// addCompletions teaches shell completion (`pipeline completion bash`) the
// arguments that are not files: stage names after a definition, and run
// references (ids, names, latest) where a command takes a run.
func addCompletions(root *cobra.Command) {
	for _, path := range [][]string{{"run"}, {"explain"}} {
		if c, _, err := root.Find(path); err == nil && c != root {
			c.ValidArgsFunction = completeStages(false)
		}
	}
	if c, _, err := root.Find([]string{"cat"}); err == nil && c != root {
		c.ValidArgsFunction = completeStages(true)
	}
	for _, path := range [][]string{{"runs", "show"}, {"report"}, {"metrics", "diff"}, {"audit"}} {
		if c, _, err := root.Find(path); err == nil && c != root && c.Name() == path[len(path)-1] {
			c.ValidArgsFunction = completeRuns
		}
	}
}

// completeStages completes a definition file first, then the names of its
// stages and sweep instances (with their ports when ports is set).
func completeStages(ports bool) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return []cobra.Completion{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
		}
		if ports && len(args) > 1 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		def, err := pipeline.Load(args[0])
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		g, err := pipeline.Compile(def, nil)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		seen := map[string]bool{}
		add := func(s string) {
			if !seen[s] && strings.HasPrefix(s, toComplete) && !slices.Contains(args[1:], s) {
				seen[s] = true
				out = append(out, s)
			}
		}
		for _, n := range g.Nodes {
			if ports {
				for _, p := range n.Plan.Outputs {
					add(n.Name + "." + p)
				}
				continue
			}
			add(n.Stage)
			add(n.Name)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeRuns completes run references: `latest`, the names runs were
// given, and run ids, newest first.
func completeRuns(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	dir, _ := c.Flags().GetString("workspace")
	if dir == "" {
		if def, _ := c.Flags().GetString("file"); def != "" {
			dir = runtime.DefaultWorkspace(def)
		} else {
			dir = ".pipeline"
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "runs")); err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	ws, err := runtime.OpenWorkspace(dir)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	list, err := records.List(records.Selection{Workspace: ws})
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	out := []cobra.Completion{}
	if strings.HasPrefix(records.Latest, toComplete) {
		out = append(out, records.Latest)
	}
	for _, s := range list {
		if s.Name != "" && strings.HasPrefix(s.Name, toComplete) && !slices.Contains(out, s.Name) {
			out = append(out, s.Name)
		}
	}
	for _, s := range list {
		if strings.HasPrefix(s.ID, toComplete) {
			out = append(out, s.ID)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
