// Package stages defines the contract between the engine and the work it runs:
// a Kind is one kind of stage (ingest, split, tokenize, train, eval, scan, exec),
// described by a parameter schema and a version, planned at definition time and
// run with a narrow Env. Packages under stages/ implement kinds and register them;
// stages never import the runtime or the CLI.
package stages

import (
	"context"
	"io"

	"github.com/rs/zerolog"
)

// Kind is one kind of stage. Implementations must be safe for concurrent use:
// the runtime may run several stages of the same kind at once.
type Kind interface {
	// Name is the value of `kind:` in a definition, e.g. "exec".
	Name() string
	// Version identifies the implementation; changing it invalidates every
	// cached output of this kind. Bump it whenever outputs could change.
	Version() string
	// Doc is a one-line description shown by `pipeline stages`.
	Doc() string
	// Schema describes the parameters (`with:`) and input ports the kind accepts.
	Schema() Schema
	// Plan checks resolved parameters beyond what the schema can say and returns
	// what the kind will produce. It runs before anything executes; an error is
	// a definition error (exit status 2). It must not write anything.
	Plan(req PlanRequest) (*Plan, error)
	// Run does the work. It reads inputs from env.Inputs and writes each output
	// port to env.OutPath(port). A returned error fails the stage.
	Run(ctx context.Context, env *Env) (*Result, error)
}

// Implementations is implemented by kinds whose output bytes depend on
// more than their own code: the table format they write, the numerics
// library they compute with. Each entry (component → version) enters the
// stage key beside Version, so a new table format or library re-runs the
// stages it shapes, and `explain` names it; no kind bumps Version by hand for
// a change made elsewhere.
type Implementations interface {
	Implementations() map[string]string
}

// Scorer is implemented by kinds whose metrics score a model, or a
// baseline, on held-out data (eval, baseline), so that a report compares
// them across stages: a classifier's test accuracy beside its baseline's, a
// base model's perplexity beside its fine-tuned one's.
type Scorer interface {
	// ScoresHeldOut reports whether the kind's metrics are held-out scores.
	ScoresHeldOut() bool
}

// PlanRequest is what a kind sees at definition time.
type PlanRequest struct {
	// Stage is the stage's name in the definition.
	Stage string
	// Params is the stage's resolved `with:` (interpolated, defaults applied).
	Params map[string]any
	// Inputs lists the names of the input ports wired to the stage.
	Inputs []string
	// WorkDir is the directory of the definition file; relative paths resolve against it.
	WorkDir string
}

// Plan is what a kind will produce, known before it runs.
type Plan struct {
	// Outputs names the output ports, in a stable order.
	Outputs []string
	// DefaultOutput is the port a reference naming none (`{data: raw}`)
	// reads, when the stage has several; "" means a reference must name one
	// unless there is only one.
	DefaultOutput string
	// Sources are files or directories (absolute, or relative to WorkDir) whose
	// content the stage reads; their digests enter the stage key and the
	// manifest's sources.
	Sources []string
	// Exclusive asks the runtime to run the stage alone (it uses every CPU).
	Exclusive bool
	// Environment is what the stage runs with beyond its code, parameters
	// and sources, as name → version (an interpreter's version, each
	// package's version, whether they were locked). It enters the stage key
	// and the manifest, and `explain` names the entry that changed.
	Environment map[string]string
	// Timing names output ports that record measured times (throughput,
	// durations) and so cannot reproduce bit for bit; audit re-execution
	// reports them apart instead of as differences.
	Timing []string
	// PassThrough maps output ports (listed in Outputs) to the input port
	// whose object they are, unchanged: a gate's data, which downstream
	// stages read from the gate so that none runs before it passes. The
	// stage writes nothing for them; the runtime records the input's object
	// as the output once the stage succeeds.
	PassThrough map[string]string
	// Roles says what each output port holds (see Role); a port it does not
	// name is RoleFile. Tables (RoleTable, RoleHistory, RoleFindings) are
	// recorded with their rows and schema.
	Roles map[string]Role
	// RoleFrom maps output ports to the input port whose producer's role
	// they have: a choice among candidates is what the candidates are.
	// PassThrough ports have their input's role without being named here.
	RoleFrom map[string]string
	// Headline names the metrics that summarise the stage, most telling
	// first: the run summary shows them before the others.
	Headline []string
	// KeyMetrics names the metrics a run is judged and compared by, most
	// telling first (a classifier's accuracy and macro F1, a language
	// model's perplexity): run listings, comparisons, reports and the
	// experiment-tracker export show them.
	KeyMetrics []string
}

// OutputsKept is implemented by a stage's error when some outputs it wrote
// are worth keeping although it failed (a scan gate's findings): the runtime
// publishes those ports and records them in the failed stage's record, never
// in the cache, so that `pipeline cat --run RUN` reads them.
type OutputsKept interface {
	// KeptOutputs names the ports to keep.
	KeptOutputs() []string
}

// Env is the narrow environment the runtime hands a running stage.
type Env struct {
	// Stage is the stage's name in the definition (with its sweep suffix, if any).
	Stage string
	// Key is the stage key (digest of everything that determines its outputs).
	Key string
	// Inputs maps each input port to a read-only file or directory.
	Inputs map[string]string
	// OutDir is a fresh directory; each output port is the file or directory OutDir/<port>.
	OutDir string
	// ScratchDir persists across attempts of the same stage key (checkpoints live
	// here) and is removed once the outputs are published.
	ScratchDir string
	// WorkDir is the definition's directory.
	WorkDir string
	// CacheDir is a directory kept across runs for the stage's kind (built
	// environments, installed helpers); the kind owns its layout and makes
	// each entry atomically, as stages of the kind may run at once. Empty
	// when the runtime keeps none.
	CacheDir string
	// Params is the resolved `with:`.
	Params map[string]any
	// Seed is the stage's seed: `with.seed`, else the definition's `params.seed`, else 0.
	Seed int64
	// Log is the stage's logger.
	Log zerolog.Logger
	// Output receives the stage's own textual output (what a command prints);
	// the runtime keeps it in the run's log directory. Its writes never fail
	// (when the log cannot be written, the runtime says so itself), so a
	// command's output can be copied to it to the end.
	Output io.Writer
	// Progress reports progress; never nil.
	Progress Progress
	// Sandbox says how a kind that runs a command confines it.
	Sandbox Sandbox
}

// Sandbox is the confinement asked for a command-running stage, from the
// stage's `sandbox:` (readonly, the default; hermetic; none), with the
// directories it concerns.
type Sandbox struct {
	// Mode is "" (readonly), "readonly", "hermetic" or "none".
	Mode string
	// ReadOnly are directories the command must not change (the workspace).
	ReadOnly []string
	// Writable are directories inside them the command writes (its scratch
	// directory, which holds OutDir).
	Writable []string
}

// OutPath returns the path where output port must be written.
func (e *Env) OutPath(port string) string { return e.OutDir + "/" + port }

// Result is what a stage reports besides its outputs.
type Result struct {
	// Metrics are numbers recorded in the manifest under the stage (rows, loss, accuracy...).
	Metrics map[string]float64
}

// Progress receives a running stage's progress in its own unit.
type Progress interface {
	// Start announces the total amount of work (0 if unknown) and its unit ("rows", "steps"...).
	Start(total int64, unit string)
	// Add reports n more units done.
	Add(n int64)
	// Set reports the absolute amount done and a short status text (may be empty).
	Set(done int64, status string)
}

// NopProgress is a Progress that discards everything.
type NopProgress struct{}

// Start implements Progress.
func (NopProgress) Start(int64, string) {}

// Add implements Progress.
func (NopProgress) Add(int64) {}

// Set implements Progress.
func (NopProgress) Set(int64, string) {}
