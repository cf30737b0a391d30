package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/artifacts/remote"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/progress"
	"github.com/mlpipe/pipeline/runtime/records"
)

func newRunCmd() *cobra.Command {
	var (
		df                                   definitionFlags
		jobs                                 int
		force, dryRun, keepGoing, asJSON, vf bool
		remoteURL, executor                  string
		name, note                           string
		tags                                 []string
		tr                                   temporalRun
	)
	c := &cobra.Command{
		Use:   "run FILE [STAGE...]",
		Short: "Run a pipeline: cached stages are served from the store, the rest run in parallel",
		Long: "Run a pipeline: cached stages are served from the store, the rest run in parallel. With STAGE arguments\n" +
			"(stage names, or sweep instances such as lm@lr=0.003) only those stages and what they need upstream run;\n" +
			"nothing downstream of them does.",
		Args: minArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			label, err := runtime.ParseLabel(name, tags, note)
			if err != nil {
				return usageError("%v", err)
			}
			g, ws, err := df.load(args[0])
			if err != nil {
				return err
			}
			if len(args) > 1 {
				if g, err = g.Select(args[1:]); err != nil {
					return err
				}
			}
			if dryRun {
				st, err := runtime.Status(g, ws)
				if err != nil {
					return err
				}
				return printStatus(c.OutOrStdout(), st, asJSON)
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			log := logger()
			opts := runtime.Options{
				Jobs: jobs, Force: force, KeepGoing: keepGoing, Verify: vf,
				Command: append([]string{"pipeline"}, os.Args[1:]...), Label: label,
			}
			logOptions(&opts, os.Stderr)
			if !globals.quiet {
				// Live bars on a terminal, periodic log lines otherwise.
				sink, logOut := progress.ForTerminal(os.Stderr, log)
				log = loggerTo(logOut)
				logOptions(&opts, logOut)
				opts.Progress = sink
				defer sink.Close()
			}
			opts.Log = log
			opts.BeforeWork = restoreGC
			var res *runtime.RunResult
			switch executor {
			case "local":
			case "temporal":
				if force {
					return usageError("--force is not supported with --executor temporal")
				}
				tr.remoteURL = remoteURL
				res, err = tr.run(ctx, g, ws, df.sets, keepGoing, opts)
				if err != nil {
					return err
				}
			default:
				return usageError("unknown --executor %q: use local or temporal", executor)
			}
			if remoteURL == "" {
				remoteURL = os.Getenv("PIPELINE_REMOTE")
			}
			if res == nil && remoteURL != "" {
				rs, err := remote.Open(ctx, remoteURL, remote.WithLogger(log))
				if err != nil {
					return usageError("opening the remote store: %v", err)
				}
				defer rs.Close()
				opts.Remote = rs
			}
			if res == nil {
				if res, err = runtime.Run(ctx, g, ws, opts); err != nil {
					return err
				}
			}
			if opts.Progress != nil {
				// The display's last draw comes before the summary, which
				// it would otherwise overwrite.
				opts.Progress.(progress.Sink).Close()
			}
			if asJSON {
				if err := printRunJSON(c.OutOrStdout(), res); err != nil {
					return err
				}
			} else {
				printRunSummary(c.OutOrStdout(), res)
			}
			if res.Status == runtime.RunInterrupted {
				return &exitError{code: exitInterrupted, err: fmt.Errorf("run %s interrupted (manifest: %s)", res.RunID, res.ManifestPath)}
			}
			if res.Status != runtime.RunSucceeded {
				for _, s := range res.Stages {
					if s.Status == runtime.StatusFailed {
						fmt.Fprintf(c.ErrOrStderr(), "stage %s failed: %v\n", s.Node.Name, s.Err)
						if t := strings.TrimSpace(s.LogTail); t != "" {
							fmt.Fprintf(c.ErrOrStderr(), "--- last output of %s ---\n%s\n---\n", s.Node.Name, t)
						}
					}
				}
				return failure("run %s failed (manifest: %s)", res.RunID, res.ManifestPath)
			}
			return nil
		},
	}
	df.add(c, true)
	c.Flags().IntVarP(&jobs, "jobs", "j", 0, "stages run at once (default: number of CPUs)")
	c.Flags().BoolVar(&force, "force", false, "re-run every stage, ignoring the cache")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "show what would run and why; write nothing")
	c.Flags().BoolVar(&keepGoing, "keep-going", false, "after a failure, still run every stage not downstream of it")
	c.Flags().BoolVar(&asJSON, "json", false, "print the result as one JSON object on stdout")
	c.Flags().StringVar(&name, "name", "", "a `NAME` for the run, to refer to it by (the newest run of that name)")
	c.Flags().StringArrayVar(&tags, "tag", nil, "a `KEY=VALUE` tag recorded with the run, for runs --filter (repeatable)")
	c.Flags().StringVar(&note, "note", "", "a free `TEXT` recorded with the run")
	c.Flags().BoolVar(&vf, "verify", false, "re-hash the objects behind cache hits and rebuild corrupt ones")
	c.Flags().StringVar(&remoteURL, "remote", "", "shared remote cache (s3://bucket/prefix?..., file:///dir; default $PIPELINE_REMOTE)")
	c.Flags().StringVar(&executor, "executor", "local", "`WHERE` stages run: local, or temporal (workers started with pipeline worker; needs --remote)")
	tr.flags.add(c)
	c.Flags().DurationVar(&tr.heartbeat, "heartbeat", 0, "with --executor temporal: how long a stage's worker may stay silent before the stage moves to another (default 1m)")
	c.Flags().IntVar(&tr.attempts, "attempts", 0, "with --executor temporal: tries of a stage whose worker is lost (default 3)")
	return c
}

// exactArgs is cobra.ExactArgs with a usage exit status.
func exactArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError("%s expects %d argument(s), got %d (usage: %s)", c.CommandPath(), n, len(args), c.UseLine())
		}
		return nil
	}
}

// runJSON is the `run --json` contract.
type runJSON struct {
	RunID    string          `json:"run_id"`
	Manifest string          `json:"manifest"`
	Status   string          `json:"status"`
	Stages   []stageJSON     `json:"stages"`
	Metrics  json.RawMessage `json:"-"`
}

type stageJSON struct {
	Name       string             `json:"name"`
	Kind       string             `json:"kind"`
	Key        string             `json:"key"`
	Status     string             `json:"status"`
	DurationMS int64              `json:"duration_ms"`
	Outputs    map[string]string  `json:"outputs"`
	Metrics    map[string]float64 `json:"metrics,omitempty"`
	Error      string             `json:"error,omitempty"`
}

func printRunJSON(w io.Writer, res *runtime.RunResult) error {
	out := runJSON{RunID: res.RunID, Manifest: res.ManifestPath, Status: res.Status, Stages: []stageJSON{}}
	for _, s := range res.Stages {
		sj := stageJSON{Name: s.Node.Name, Kind: s.Node.Kind.Name(), Key: s.Key, Status: s.Status,
			DurationMS: s.Record.DurationMS, Outputs: map[string]string{}, Metrics: s.Record.Metrics, Error: s.Record.Error}
		for port, o := range s.Outputs {
			sj.Outputs[port] = o.Digest
		}
		out.Stages = append(out.Stages, sj)
	}
	enc := json.NewEncoder(w)
	return enc.Encode(out)
}

func printRunSummary(w io.Writer, res *runtime.RunResult) {
	counts := map[string]int{}
	width := 0
	for _, s := range res.Stages {
		if len(s.Node.Name) > width {
			width = len(s.Node.Name)
		}
	}
	for _, s := range res.Stages {
		counts[s.Status]++
		line := fmt.Sprintf("%-*s  %-7s", width, s.Node.Name, s.Status)
		switch s.Status {
		case runtime.StatusRan:
			line += fmt.Sprintf("  %13s", fmt.Sprintf("%.1fs", float64(s.Record.DurationMS)/1000))
		case runtime.StatusCached:
			// Nothing was spent now; say what the cached result once took.
			line += fmt.Sprintf("  %13s", fmt.Sprintf("(ran %.1fs)", float64(s.Record.DurationMS)/1000))
		case runtime.StatusSkipped:
			line += "  " + strings.TrimPrefix(s.Record.Error, "skipped: ")
		}
		if m := headline(s.Record.Metrics, s.Node.Plan.Headline); m != "" {
			line += "  " + m
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	fmt.Fprintf(w, "run %s %s: %d ran, %d cached, %d failed, %d skipped\n", res.RunID, res.Status,
		counts[runtime.StatusRan], counts[runtime.StatusCached], counts[runtime.StatusFailed], counts[runtime.StatusSkipped])
	fmt.Fprintf(w, "outputs:  %s\n", res.ViewDir)
	fmt.Fprintf(w, "manifest: %s\n", res.ManifestPath)
}

// maxSummaryMetrics bounds the metrics shown on a stage's summary line.
const maxSummaryMetrics = 6

// headline writes a stage's metrics for its summary line: those its kind
// names as its headline first (stages.Plan.Headline), then the rest by
// name, as plain numbers.
func headline(m map[string]float64, first []string) string {
	var parts []string
	shown := map[string]bool{}
	add := func(k string) {
		if v, ok := m[k]; ok && !shown[k] && len(parts) < maxSummaryMetrics {
			shown[k] = true
			parts = append(parts, k+"="+records.FormatMetric(v))
		}
	}
	for _, k := range first {
		add(k)
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		add(k)
	}
	return strings.Join(parts, " ")
}

// minArgs is cobra.MinimumNArgs with a usage exit status.
func minArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) < n {
			return usageError("%s expects at least %d argument(s), got %d (usage: %s)", c.CommandPath(), n, len(args), c.UseLine())
		}
		return nil
	}
}
