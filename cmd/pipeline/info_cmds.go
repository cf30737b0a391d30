package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train/backend"
)

func newDagCmd() *cobra.Command {
	var (
		df     definitionFlags
		format string
	)
	c := &cobra.Command{
		Use:   "dag FILE",
		Short: "Print the compiled DAG as text, Graphviz dot or Mermaid",
		Args:  exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			g, err := df.compile(args[0])
			if err != nil {
				return err
			}
			switch format {
			case "text":
				return g.WriteText(c.OutOrStdout())
			case "dot":
				return g.WriteDot(c.OutOrStdout())
			case "mermaid":
				return g.WriteMermaid(c.OutOrStdout())
			}
			return usageError("--format must be text, dot or mermaid, got %q", format)
		},
	}
	df.add(c, true)
	c.Flags().StringVar(&format, "format", "text", "text, dot or mermaid")
	return c
}

func newConfigCmd() *cobra.Command {
	var df definitionFlags
	c := &cobra.Command{
		Use:   "config FILE",
		Short: "Print the resolved definition: params merged, sweep expanded, defaults filled in",
		Args:  exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			g, err := df.compile(args[0])
			if err != nil {
				return err
			}
			b, err := g.ResolvedYAML()
			if err != nil {
				return err
			}
			_, err = c.OutOrStdout().Write(b)
			return err
		},
	}
	df.add(c, true)
	return c
}

func newStagesCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "stages",
		Short: "List the stage kinds and their parameters",
		Args:  exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			w := c.OutOrStdout()
			if asJSON {
				type kindJSON struct {
					Name    string        `json:"name"`
					Version string        `json:"version"`
					Doc     string        `json:"doc"`
					Schema  stages.Schema `json:"schema"`
				}
				var out []kindJSON
				for _, n := range stages.Names() {
					k, _ := stages.Lookup(n)
					out = append(out, kindJSON{n, k.Version(), k.Doc(), k.Schema()})
				}
				return json.NewEncoder(w).Encode(out)
			}
			for _, n := range stages.Names() {
				k, _ := stages.Lookup(n)
				s := k.Schema()
				fmt.Fprintf(w, "%s (version %s): %s\n", n, k.Version(), k.Doc())
				if s.Inputs != nil && len(s.Inputs) == 0 {
					fmt.Fprintf(w, "  inputs: none\n")
				} else if s.Inputs != nil {
					fmt.Fprintf(w, "  inputs: %s\n", strings.Join(s.Inputs, ", "))
				} else {
					fmt.Fprintf(w, "  inputs: any port names\n")
				}
				if s.Outputs != "" {
					fmt.Fprintf(w, "  outputs: %s\n", s.Outputs)
				}
				printParams(w, s.Params, "  ")
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func printParams(w interface{ Write([]byte) (int, error) }, params []stages.Param, indent string) {
	sorted := append([]stages.Param{}, params...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Required && !sorted[j].Required })
	for _, p := range sorted {
		line := fmt.Sprintf("%s%s (%s)", indent, p.Name, p.Type)
		if p.Required {
			line += " required"
		}
		if p.Default != nil {
			b, _ := json.Marshal(p.Default)
			line += " default " + string(b)
		}
		if p.DefaultBy != nil {
			vals := make([]string, 0, len(p.DefaultBy.Values))
			for _, v := range sortedKeysOf(p.DefaultBy.Values) {
				b, _ := json.Marshal(p.DefaultBy.Values[v])
				vals = append(vals, v+": "+string(b))
			}
			line += " default by " + p.DefaultBy.On + " {" + strings.Join(vals, ", ") + "}"
		}
		if r := stages.Range(p); r != "" {
			line += " range " + r
		}
		if len(p.Enum) > 0 {
			line += " one of " + strings.Join(p.Enum, "|")
		}
		if p.Doc != "" {
			line += ": " + p.Doc
		}
		fmt.Fprintln(w, line)
		if len(p.Fields) > 0 {
			printParams(w, p.Fields, indent+"  ")
		}
	}
}

// sortedKeysOf returns m's keys in order.
func sortedKeysOf(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the engine's version",
		Args:  exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			e := runtime.EngineInfo()
			fmt.Fprintf(c.OutOrStdout(), "pipeline %s (revision %s, %s, gomlx %s)\n", e.Version, orNone(e.VCSRevision), e.GoVersion, backend.GoMLXVersion)
			return nil
		},
	}
}

func orNone(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
