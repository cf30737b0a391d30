package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/runtime"
)

func init() { extraCommands = append(extraCommands, newCatCmd) }

func newCatCmd() *cobra.Command {
	var (
		df     definitionFlags
		format string
		limit  int
		runRef string
	)
	c := &cobra.Command{
		Use:   "cat FILE STAGE[.PORT][/PATH]",
		Short: "Print the rows of a stage's output for the definition as it is now (tables as JSONL or CSV; other files as they are)",
		Long: "Print the output a stage holds under its current key, from the definition with --set applied (or, with\n" +
			"--run, what a recorded run produced). STAGE is an instance name; a sweep point such as\n" +
			"`lm@train.lr=0.003.history` is matched to its longest instance name, the rest naming the port.",
		Args: exactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			if format != "jsonl" && format != "csv" {
				return usageError("--format must be jsonl or csv, got %q", format)
			}
			g, ws, err := df.load(args[0])
			if err != nil {
				return err
			}
			ref, sub, _ := strings.Cut(args[1], "/")
			n, port := matchStage(g, ref)
			if n == nil {
				var names []string
				for _, m := range g.Nodes {
					names = append(names, m.Name)
				}
				return usageError("no stage `%s` in %s (stages: %s)", ref, args[0], strings.Join(names, ", "))
			}
			name := n.Name
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
			var outputs map[string]artifacts.Output
			if runRef != "" {
				m, _, err := (&recordFlags{workspace: ws.Root}).load(runRef)
				if err != nil {
					return err
				}
				outputs = recordedOutputs(m, n.Name)
				if outputs == nil {
					return failure("run %s has no outputs of stage `%s`", m.RunID, n.Name)
				}
			} else {
				cur, st, err := runtime.CurrentOutputs(g, ws, n.Name)
				if err != nil {
					return err
				}
				if cur == nil {
					why := ""
					if st != nil && len(st.Reasons) > 0 {
						why = ": " + strings.Join(st.Reasons, "; ")
					}
					return failure("stage `%s` has no output for this definition and these parameters yet (a run would run it%s)", n.Name, why)
				}
				outputs = cur
			}
			o, ok := outputs[port]
			if !ok {
				return failure("stage `%s` recorded no output `%s`", n.Name, port)
			}
			path := ws.Store.ObjectPath(o.Digest)
			if sub != "" {
				path = filepath.Join(path, filepath.FromSlash(sub))
			}
			info, err := os.Stat(path)
			if err != nil {
				return failure("stage `%s` output `%s` is not in the store (%v)", n.Name, port+suffix(sub), err)
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
	c.Flags().StringVar(&runRef, "run", "", "print what a recorded `RUN` produced (an id, a prefix or suffix, latest, latest~N) instead of the current key's output")
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

// matchStage finds the stage instance a STAGE[.PORT] reference names: the
// longest instance name that is the whole reference or is followed by a dot
// (sweep point names hold dots themselves). It returns the node and the port
// ("" when the reference names none).
func matchStage(g *pipeline.Graph, ref string) (*pipeline.Node, string) {
	var best *pipeline.Node
	for _, n := range g.Nodes {
		if (ref == n.Name || strings.HasPrefix(ref, n.Name+".")) && (best == nil || len(n.Name) > len(best.Name)) {
			best = n
		}
	}
	if best == nil {
		return nil, ""
	}
	return best, strings.TrimPrefix(strings.TrimPrefix(ref, best.Name), ".")
}

// recordedOutputs returns a stage's outputs as a run's manifest recorded them.
func recordedOutputs(m *artifacts.Manifest, name string) map[string]artifacts.Output {
	for _, s := range m.Stages {
		if s.Name != name || len(s.Outputs) == 0 {
			continue
		}
		out := map[string]artifacts.Output{}
		for _, p := range s.Outputs {
			out[p.Port] = artifacts.Output{Tree: artifacts.Tree{Digest: p.Digest, Size: p.Size, Dir: p.Dir, Files: p.Files}}
		}
		return out
	}
	return nil
}
