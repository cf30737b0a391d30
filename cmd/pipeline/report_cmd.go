package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime/report"
)

func init() { extraCommands = append(extraCommands, newReportCmd) }

func newReportCmd() *cobra.Command {
	var (
		rf  recordFlags
		out string
	)
	c := &cobra.Command{
		Use:   "report RUN [RUN...] [-o report.html]",
		Short: "Write one run as a self-contained HTML page (DAG, stages, params, loss curves, metrics, confusion matrix, sweep), or compare several",
		Long: "Write one run as a single HTML page that loads nothing from the network: the stage graph, each stage's\n" +
			"status, time and cache result, the params, the training loss curves and metrics as inline SVG charts, the\n" +
			"confusion matrices and the sweep table. RUN is a run id, an unambiguous prefix or suffix, `latest` or `latest~N`, or the path of a\n" +
			"manifest.json or run directory. Without -o the page goes to stdout.\n\n" +
			"Given two or more runs, the page compares them instead: the runs, their params side by side with the\n" +
			"differences highlighted, every metric with its change from the first run, each step metric (loss curves,\n" +
			"$PIPELINE_STEPS histories) of all runs overlaid per stage and metric, and a parallel-coordinates plot of the\n" +
			"params that differ (sweep points included) against a key metric.",
		Args: minArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			var runs []report.Input
			for _, ref := range args {
				m, ws, err := rf.load(ref)
				if err != nil {
					return err
				}
				runs = append(runs, report.Input{Workspace: ws, Manifest: m})
			}
			var buf bytes.Buffer
			if len(runs) == 1 {
				if err := report.Write(&buf, runs[0].Workspace, runs[0].Manifest); err != nil {
					return failure("%v", err)
				}
			} else if err := report.WriteComparison(&buf, runs); err != nil {
				return failure("%v", err)
			}
			if out == "" || out == "-" {
				_, err := c.OutOrStdout().Write(buf.Bytes())
				return err
			}
			if err := artifacts.WriteFileAtomic(out, buf.Bytes()); err != nil {
				return failure("writing the report %s: %v", out, err)
			}
			if err := os.Chmod(out, 0o644); err != nil {
				return failure("writing the report %s: %v", out, err)
			}
			fmt.Fprintf(c.OutOrStdout(), "%s\n", out)
			return nil
		},
	}
	rf.add(c)
	c.Flags().StringVarP(&out, "output", "o", "", "write the page to this file (default: stdout)")
	return c
}
