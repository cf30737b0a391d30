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
		Use:   "report RUN [-o report.html]",
		Short: "Write one run as a self-contained HTML page: DAG, stages, params, loss curves, metrics, confusion matrix, sweep",
		Long: "Write one run as a single HTML page that loads nothing from the network: the stage graph, each stage's\n" +
			"status, time and cache result, the params, the training loss curves and metrics as inline SVG charts, the\n" +
			"confusion matrices and the sweep table. RUN is a run id, an unambiguous prefix or suffix, `latest` or `latest~N`, or the path of a\n" +
			"manifest.json or run directory. Without -o the page goes to stdout.",
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			m, ws, err := rf.load(args[0])
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := report.Write(&buf, ws, m); err != nil {
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
