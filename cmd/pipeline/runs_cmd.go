package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/records"
)

func init() { extraCommands = append(extraCommands, newRunsCmd, newMetricsCmd) }

// recordFlags locate the workspace whose run records a command reads.
type recordFlags struct {
	workspace  string
	definition string
}

func (f *recordFlags) add(c *cobra.Command) {
	c.PersistentFlags().StringVar(&f.workspace, "workspace", "", "workspace directory (default: .pipeline beside --file, or ./.pipeline)")
	c.PersistentFlags().StringVarP(&f.definition, "file", "f", "", "definition file: its runs, in the workspace beside it (.pipeline) unless --workspace")
}

// selection opens the workspace the flags name, or the one beside the
// definition file (given as an argument or with --file), without creating
// anything. A definition narrows the selection to that definition's runs.
func (f *recordFlags) selection(defArg string) (records.Selection, error) {
	dir := f.workspace
	def := f.definition
	if defArg != "" {
		if def != "" && def != defArg {
			return records.Selection{}, usageError("give the definition once: %s or --file %s", defArg, def)
		}
		def = defArg
	}
	if def != "" {
		if _, err := os.Stat(def); err != nil {
			return records.Selection{}, usageError("cannot read the definition %s: %v", def, err)
		}
		if dir == "" {
			dir = runtime.DefaultWorkspace(def)
		}
	}
	if dir == "" {
		dir = ".pipeline"
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return records.Selection{}, usageError("no workspace at %s: give a definition FILE, --file FILE or --workspace DIR", dir)
	}
	ws, err := runtime.OpenWorkspace(dir)
	if err != nil {
		return records.Selection{}, err
	}
	return records.Selection{Workspace: ws, Definition: def}, nil
}

// load reads the manifest of a run reference (an id, a prefix or suffix, `latest`, `latest~N`, or
// a manifest or run directory path).
func (f *recordFlags) load(ref string) (*artifacts.Manifest, *runtime.Workspace, error) {
	if m, ws, err := records.Load(records.Selection{}, ref); err == nil {
		return m, ws, nil
	}
	sel, err := f.selection("")
	if err != nil {
		return nil, nil, err
	}
	m, ws, err := records.Load(sel, ref)
	if errors.Is(err, records.ErrNoRun) {
		return nil, nil, usageError("%v", err)
	}
	if err != nil {
		return nil, nil, failure("%v", err)
	}
	return m, ws, nil
}

func newRunsCmd() *cobra.Command {
	var (
		rf                   recordFlags
		asJSON               bool
		sortBy, filter, cols string
	)
	c := &cobra.Command{
		Use:   "runs [FILE]",
		Short: "List the recorded runs, newest first: time, status, definition, cache results and key metrics",
		Long: "List the recorded runs of a workspace (.pipeline beside FILE, --workspace DIR, or ./.pipeline), newest first;\n" +
			"with a definition FILE (or --file), only that definition's runs. Each line has the run's\n" +
			"start time, duration, status, definition and overrides, how many stages ran, were cached or failed, and the\n" +
			"key metrics the stages reported (accuracy, f1_macro, perplexity, cross_entropy, val_loss; a range where\n" +
			"several stage instances, such as sweep points, report one).\n\n" +
			"Fields, for --sort, --filter and --columns: id, name, status, started, took, definition, stages, ran, cached,\n" +
			"failed, skipped, note, git.commit, git.branch, git.dirty, tags.KEY, params.KEY (dotted), metrics.NAME (the best\n" +
			"value any stage reported) and metrics.STAGE.NAME. A filter joins FIELD OP VALUE comparisons (= != < <= > >=, ~\n" +
			"for contains) with and/or: --filter 'metrics.accuracy > 0.97 and params.train.lr < 0.01'.",
		Args: maxArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			defArg := ""
			if len(args) == 1 {
				defArg = args[0]
			}
			sel, err := rf.selection(defArg)
			if err != nil {
				return err
			}
			var f *records.Filter
			if filter != "" {
				if f, err = records.ParseFilter(filter); err != nil {
					return usageError("--filter: %v", err)
				}
			}
			var fields []string
			if cols != "" {
				for _, col := range strings.Split(cols, ",") {
					col = strings.TrimSpace(col)
					if err := records.CheckField(col); err != nil {
						return usageError("--columns: %v", err)
					}
					fields = append(fields, col)
				}
			}
			if sortBy != "" {
				if err := records.CheckField(strings.TrimPrefix(sortBy, "-")); err != nil {
					return usageError("--sort: %v", err)
				}
			}
			list, err := records.List(sel)
			if err != nil {
				return failure("%v", err)
			}
			if f != nil {
				kept := list[:0]
				for _, s := range list {
					if f.Match(s) {
						kept = append(kept, s)
					}
				}
				list = kept
			}
			if sortBy != "" {
				if err := records.SortRuns(list, sortBy); err != nil {
					return usageError("%v", err)
				}
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), list)
			}
			if fields != nil {
				return records.WriteColumns(c.OutOrStdout(), list, fields)
			}
			return records.WriteList(c.OutOrStdout(), list)
		},
	}
	rf.add(c)
	c.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of runs")
	c.Flags().StringVar(&sortBy, "sort", "", "order by a `FIELD` (ascending; -FIELD descending)")
	c.Flags().StringVar(&filter, "filter", "", "keep the runs an `EXPR` holds for: FIELD OP VALUE joined by and/or")
	c.Flags().StringVar(&cols, "columns", "", "show these comma-separated `FIELDS` instead of the default columns")
	c.AddCommand(newRunsShowCmd(&rf), newRunsRmCmd(), newRunsExportCmd(&rf))
	return c
}

func newRunsShowCmd(rf *recordFlags) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "show RUN",
		Short: "Print one run in detail: stages, statuses, times, cache results, params, metrics, outputs",
		Long: "Print one run in detail. RUN is a run id, an unambiguous prefix or suffix of one, `latest` or `latest~N`, or the path of a\n" +
			"manifest.json or run directory. --json prints the run's manifest.",
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			m, _, err := rf.load(args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), m)
			}
			return records.WriteDetail(c.OutOrStdout(), m)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the run's manifest as JSON")
	return c
}

func newMetricsCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "metrics",
		Short: "Compare the metrics of recorded runs",
		Args:  exactArgs(0),
		RunE: func(c *cobra.Command, args []string) error {
			return usageError("%s needs a subcommand (see `%s --help`)", c.CommandPath(), c.CommandPath())
		},
	}
	var (
		rf          recordFlags
		asJSON, all bool
	)
	diff := &cobra.Command{
		Use:   "diff RUN_A RUN_B [RUN...]",
		Short: "Params, overrides and per-stage metrics of two or more runs side by side, with the change",
		Long: "Set two runs side by side: their params and overrides, each stage instance's status and whether its key\n" +
			"changed, and each metric with the absolute (B−A) and relative change. Sweep points are stage instances\n" +
			"(`stage@key=value`), so each point appears as its own rows. Metrics that did not change are left out\n" +
			"unless --all (key metrics are always shown). A run is an id, a prefix or suffix, a name, `latest`,\n" +
			"`latest~N` or a path. With more than two runs, each is a column: the parameters that differ, then every\n" +
			"metric with its change from the first run.",
		Args: minArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) > 2 {
				var ms []*artifacts.Manifest
				for _, ref := range args {
					m, _, err := rf.load(ref)
					if err != nil {
						return err
					}
					ms = append(ms, m)
				}
				cmp := records.CompareRuns(ms)
				if asJSON {
					return writeJSON(c.OutOrStdout(), cmp)
				}
				return records.WriteComparison(c.OutOrStdout(), cmp, all)
			}
			a, _, err := rf.load(args[0])
			if err != nil {
				return err
			}
			b, _, err := rf.load(args[1])
			if err != nil {
				return err
			}
			d := records.Compare(a, b)
			if asJSON {
				return writeJSON(c.OutOrStdout(), d)
			}
			return records.WriteDiff(c.OutOrStdout(), d, all)
		},
	}
	rf.add(diff)
	diff.Flags().BoolVar(&asJSON, "json", false, "print JSON (every metric)")
	diff.Flags().BoolVar(&all, "all", false, "show metrics that did not change too (key metrics are always shown)")
	c.AddCommand(diff)
	return c
}

// maxArgs accepts at most n positional arguments.
func maxArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) > n {
			return usageError("%s takes at most %d argument(s), got %d (usage: %s)", c.CommandPath(), n, len(args), c.UseLine())
		}
		return nil
	}
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding JSON: %w", err)
	}
	return nil
}
