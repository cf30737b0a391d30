package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/artifacts/table"
)

func init() { extraCommands = append(extraCommands, newCatCmd) }

func newCatCmd() *cobra.Command {
	var (
		df     definitionFlags
		format string
		limit  int
	)
	c := &cobra.Command{
		Use:   "cat FILE STAGE[.PORT][/PATH]",
		Short: "Print the rows of a stage's last output (tables as JSONL or CSV; other files as they are)",
		Args:  exactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			if format != "jsonl" && format != "csv" {
				return usageError("--format must be jsonl or csv, got %q", format)
			}
			g, ws, err := df.load(args[0])
			if err != nil {
				return err
			}
			ref, sub, _ := strings.Cut(args[1], "/")
			name, port, _ := strings.Cut(ref, ".")
			n, ok := g.Node(name)
			if !ok {
				var names []string
				for _, m := range g.Nodes {
					names = append(names, m.Name)
				}
				return usageError("no stage `%s` in %s (stages: %s)", name, args[0], strings.Join(names, ", "))
			}
			outs := n.Plan.Outputs
			if port == "" {
				if len(outs) != 1 {
					return usageError("stage `%s` has %d outputs (%s); name one as %s.PORT", name, len(outs), strings.Join(outs, ", "), name)
				}
				port = outs[0]
			}
			found := false
			for _, o := range outs {
				found = found || o == port
			}
			if !found {
				return usageError("stage `%s` has no output `%s` (outputs: %s)", name, port, strings.Join(outs, ", "))
			}
			path := ws.OutPath(n.Name, port)
			if sub != "" {
				path = filepath.Join(path, filepath.FromSlash(sub))
			}
			info, err := os.Stat(path)
			if err != nil {
				return failure("stage `%s` has no output `%s` yet: run the pipeline first", n.Name, port+suffix(sub))
			}
			w := bufio.NewWriter(c.OutOrStdout())
			defer w.Flush()
			if info.IsDir() {
				return listDir(w, path)
			}
			if isParquet(path) {
				return table.Dump(w, path, format, limit)
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(w, f)
			return err
		},
	}
	df.add(c, true)
	c.Flags().StringVar(&format, "format", "jsonl", "jsonl or csv (tables)")
	c.Flags().IntVar(&limit, "limit", 0, "print at most N rows (0: all)")
	return c
}

func suffix(sub string) string {
	if sub == "" {
		return ""
	}
	return "/" + sub
}

func isParquet(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [4]byte
	_, err = io.ReadFull(f, magic[:])
	return err == nil && string(magic[:]) == "PAR1"
}

// listDir prints a directory output's files, one per line with its size.
func listDir(w io.Writer, dir string) error {
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	return filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		_, err = fmt.Fprintf(w, "%s\t%d bytes\n", filepath.ToSlash(rel), info.Size())
		return err
	})
}
