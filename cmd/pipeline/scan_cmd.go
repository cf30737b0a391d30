package main

import (
	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/stages/scan"
)

func init() { extraCommands = append(extraCommands, newScanCmd) }

// newScanCmd is `pipeline scan PATH... [--format text|jsonl|sarif] [--config FILE]`.
func newScanCmd() *cobra.Command {
	c := &scan.Command{}
	cmd := &cobra.Command{
		Use:   "scan PATH...",
		Short: "Find leaked credentials in files, archives and tables (exit 1 when any are found)",
		Long: "Scan files and directories, archives (zip, tar, tar.gz, gzip, nested) and tables " +
			"(JSONL, CSV, Parquet) for credentials. Findings name the path, line, column, kind and the " +
			"SHA-256 of the secret, never the secret itself. Exit status: 0 nothing found, 1 secrets " +
			"found or a limit stopped reading part of the input (unless --allow-incomplete), 2 usage error.",
		RunE: func(cmd *cobra.Command, args []string) error {
			c.Paths = args
			c.Stdout, c.Stderr = cmd.OutOrStdout(), cmd.ErrOrStderr()
			return c.Run(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&c.Format, "format", "text", "output format: text, jsonl or sarif")
	cmd.Flags().BoolVar(&c.AllowIncomplete, "allow-incomplete", false, "exit 0 even when a limit (depth, size, ratio) stopped reading part of the input")
	cmd.Flags().StringVar(&c.ConfigPath, "config", "", "YAML file with allowlists (rules, paths, values, sha256, regexes) and limits")
	return cmd
}
