package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/runtime"
	_ "github.com/mlpipe/pipeline/stages/all" // registers every stage kind
)

// globalFlags are the flags every command takes.
type globalFlags struct {
	logFormat string
	quiet     bool
	verbose   bool
}

var globals globalFlags

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "pipeline",
		Short:         "Run content-addressed ML pipelines: only what changed re-runs, every run is auditable",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&globals.logFormat, "log-format", "text", "log format on stderr: text or json")
	root.PersistentFlags().BoolVarP(&globals.quiet, "quiet", "q", false, "log warnings and errors only")
	root.PersistentFlags().BoolVarP(&globals.verbose, "verbose", "v", false, "log debug messages")
	root.PersistentPreRunE = func(c *cobra.Command, args []string) error {
		if globals.logFormat != "text" && globals.logFormat != "json" {
			return usageError("--log-format must be text or json, got %q", globals.logFormat)
		}
		return nil
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError("%v (see `%s --help`)", err, c.CommandPath())
	})
	root.AddCommand(
		newRunCmd(), newStatusCmd(), newExplainCmd(), newDagCmd(), newConfigCmd(),
		newStagesCmd(), newVersionCmd(), newAuditCmd(),
	)
	for _, extra := range extraCommands {
		root.AddCommand(extra())
	}
	addCompletions(root)
	return root
}

// extraCommands are command constructors registered by other files of this
// package (cat, scan, tokenizer...).
var extraCommands []func() *cobra.Command

// logger builds the engine's logger on stderr.
func logger() zerolog.Logger { return loggerTo(os.Stderr) }

// loggerTo builds the engine's logger writing to out (stderr, or the
// progress display that keeps log lines above its bars).
func loggerTo(out io.Writer) zerolog.Logger {
	w := logWriter(out)
	level := zerolog.InfoLevel
	if globals.quiet {
		level = zerolog.WarnLevel
	}
	if globals.verbose {
		level = zerolog.DebugLevel
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger()
}

// logWriter is what the engine's logger writes its events through to out:
// text lines, or JSON events as they are with --log-format json.
func logWriter(out io.Writer) io.Writer {
	if globals.logFormat == "json" {
		return out
	}
	return zerolog.ConsoleWriter{Out: out, TimeFormat: time.TimeOnly, NoColor: noColor()}
}

// logOptions fills the run options that route stages' logs: through the
// same writer as the engine's, and into the stage log files in the same
// format.
func logOptions(opts *runtime.Options, out io.Writer) {
	opts.LogOutput = logWriter(out)
	opts.LogJSON = globals.logFormat == "json"
}

// noColor reports whether output must be plain: NO_COLOR set or stderr not a terminal.
func noColor() bool {
	if _, set := os.LookupEnv("NO_COLOR"); set {
		return true
	}
	return !isatty.IsTerminal(os.Stderr.Fd())
}

// definitionFlags are shared by commands that compile a definition.
type definitionFlags struct {
	sets      []string
	workspace string
}

func (f *definitionFlags) add(c *cobra.Command, withSet bool) {
	if withSet {
		c.Flags().StringArrayVar(&f.sets, "set", nil, "override a parameter: --set train.lr=1e-3 (repeatable)")
	}
	c.Flags().StringVar(&f.workspace, "workspace", "", "workspace directory (default: .pipeline beside the definition)")
}

// compile loads and compiles a definition with the --set overrides.
func (f *definitionFlags) compile(path string) (*pipeline.Graph, error) {
	def, err := pipeline.Load(path)
	if err != nil {
		return nil, err
	}
	var sets []pipeline.Override
	for _, s := range f.sets {
		o, err := pipeline.ParseOverride(s)
		if err != nil {
			return nil, usageError("%v", err)
		}
		sets = append(sets, o)
	}
	g, err := pipeline.Compile(def, sets)
	if err != nil {
		return nil, err
	}
	if len(g.Warnings) > 0 {
		log := logger()
		for _, w := range g.Warnings {
			log.Warn().Msg(w)
		}
	}
	return g, nil
}

// openWorkspace opens the workspace of a definition without writing to it.
func (f *definitionFlags) openWorkspace(defPath string) (*runtime.Workspace, error) {
	dir := f.workspace
	if dir == "" {
		dir = runtime.DefaultWorkspace(defPath)
	}
	ws, err := runtime.OpenWorkspace(dir)
	if err != nil {
		return nil, fmt.Errorf("opening workspace: %w", err)
	}
	return ws, nil
}

// load compiles a definition and opens its workspace (without writing to it).
func (f *definitionFlags) load(path string) (*pipeline.Graph, *runtime.Workspace, error) {
	g, err := f.compile(path)
	if err != nil {
		return nil, nil, err
	}
	ws, err := f.openWorkspace(path)
	if err != nil {
		return nil, nil, err
	}
	return g, ws, nil
}
