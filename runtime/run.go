package runtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/runtime/sysmetrics"
)

// Stage statuses, as they appear in manifests and `run --json`.
const (
	StatusRan     = "ran"
	StatusCached  = "cached"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
)

// Run statuses.
const (
	RunSucceeded = "succeeded"
	RunFailed    = "failed"
	// RunInterrupted: the run was cancelled (Ctrl-C, SIGTERM) before it ended.
	RunInterrupted = "interrupted"
)

// Options control a run.
type Options struct {
	// Jobs is the number of stages run at once (default: the number of CPUs).
	Jobs int
	// Force re-runs every stage, ignoring the cache (outputs are still published).
	Force bool
	// KeepGoing runs every stage not downstream of a failure.
	KeepGoing bool
	// Verify re-hashes the objects behind cache hits and re-runs stages whose objects are corrupt.
	Verify bool
	// Log receives the engine's logs.
	Log zerolog.Logger
	// LogOutput is where Log writes; stages' loggers write there too (at
	// Log's level) and copy every event, with its fields, into the stage's
	// log file. Without it stages log to their files only.
	LogOutput io.Writer
	// LogJSON writes stage log files as JSON events rather than text lines.
	LogJSON bool
	// Progress, when set, receives per-stage progress (a terminal display).
	Progress ProgressSink
	// Command is the command line recorded in the manifest.
	Command []string
	// Label is what the user says of the run (name, tags, note), recorded
	// in the manifest.
	Label Label
	// RunID, when set, names the run (see NewRunID); otherwise one is made.
	RunID string
	// Remote, when set, is a shared second tier of the store.
	Remote RemoteStore
	// BeforeWork, when set, is called once before the first stage that is not
	// a cache hit starts (the CLI restores its garbage-collector setting there).
	BeforeWork func()
}

// StageResult is the outcome of one stage instance.
type StageResult struct {
	Node     *pipeline.Node
	Status   string
	Key      string
	Record   artifacts.StageRecord
	Outputs  map[string]artifacts.Output
	Err      error
	Duration time.Duration
	// LogTail is the end of the stage's own output, kept for failures.
	LogTail string
}

// RunResult is the outcome of a run.
type RunResult struct {
	RunID        string
	ManifestPath string
	// ViewDir is the definition's output view (out/<definition>/).
	ViewDir  string
	Status   string
	Stages   []*StageResult
	Manifest *artifacts.Manifest
}

// NewRunID returns a time-ordered, unique run identifier.
func NewRunID(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405.000Z") + "-" + hex.EncodeToString(b[:])
}

// Run executes the graph in the workspace and writes the run's manifest.
// It returns an error only when the run could not be carried out at all; a
// failed stage is reported in the result's Status.
func Run(ctx context.Context, g *pipeline.Graph, ws *Workspace, opts Options) (*RunResult, error) {
	started := time.Now().UTC()
	id, unlock, err := beginRun(ws, opts.RunID, started)
	if err != nil {
		return nil, err
	}
	defer unlock()
	cleanStaleTemp(ws, opts.Log)
	if opts.Remote != nil {
		opts.Remote = newRemoteGuard(opts.Remote, opts.Log)
	}
	r := newRunner(g, ws, id, opts)
	r.git = lookUpGit(g.Def.Dir)
	r.live = newLiveRecorder(ws, g, id, opts.Label.Name, started, opts.Log)
	r.execute(ctx)
	r.pushUsed(ctx)
	res, err := r.finish(started, ctx.Err() != nil)
	return res, err
}

// finish saves the stat cache and writes the run's manifest and metrics log
// from r.results, which holds every node.
func (r *runner) finish(started time.Time, interrupted bool) (*RunResult, error) {
	ws, g, opts := r.ws, r.g, r.opts
	system := r.stopSampler()
	if err := ws.Stats.Save(); err != nil {
		opts.Log.Warn().Err(err).Msg("could not save the stat cache")
	}
	res := &RunResult{RunID: r.runID, ManifestPath: ws.ManifestPath(r.runID), ViewDir: ws.ViewDir(g.Def.File()), Status: RunSucceeded}
	for _, n := range g.Nodes {
		sr := r.results[n]
		res.Stages = append(res.Stages, sr)
		if sr.Status == StatusFailed || sr.Status == StatusSkipped {
			res.Status = RunFailed
		}
	}
	if interrupted && res.Status != RunSucceeded {
		res.Status = RunInterrupted
	}
	if res.Status == RunSucceeded {
		if err := publishView(ws, g, r.results); err != nil {
			opts.Log.Warn().Err(err).Msg("could not update the output view")
		}
	}
	m := buildManifest(g, ws, res, started, opts.Command)
	opts.Label.apply(m)
	if r.git != nil {
		m.Git = <-r.git
	}
	m.System = system
	res.Manifest = m
	if err := writeMetricsLog(ws, m); err != nil {
		opts.Log.Warn().Err(err).Msg("could not write the run's metrics log")
	}
	if err := m.Write(res.ManifestPath); err != nil {
		r.live.close(false)
		return res, err
	}
	r.live.close(true)
	return res, nil
}

// beginRun readies the workspace for a run, or for one stage of a
// distributed one: the workspace initialised, its lock held shared (`gc`
// takes it exclusively), the run id chosen (id, or a new one from started)
// and the run's log directory made. unlock releases the lock.
func beginRun(ws *Workspace, id string, started time.Time) (runID string, unlock func(), err error) {
	if err := ws.Init(); err != nil {
		return "", nil, err
	}
	wl, err := LockWorkspace(ws.Root, false)
	if err != nil {
		return "", nil, err
	}
	if id == "" {
		id = NewRunID(started)
	}
	if err := os.MkdirAll(ws.LogsDir(id), 0o755); err != nil {
		wl.Unlock()
		return "", nil, fmt.Errorf("creating run directory: %w", err)
	}
	return id, wl.Unlock, nil
}

// newRunner sets up the state of one run, or of one pass over a graph
// (remote lookups, pulls, a single stage), of the run id given.
func newRunner(g *pipeline.Graph, ws *Workspace, id string, opts Options) *runner {
	if opts.Jobs <= 0 {
		opts.Jobs = goruntime.NumCPU()
	}
	return &runner{g: g, ws: ws, opts: opts, runID: id, gate: newGate(opts.Jobs),
		results: map[*pipeline.Node]*StageResult{}, secrets: newSecretBook(g, ws, false)}
}

// runner holds the state of one run.
type runner struct {
	g     *pipeline.Graph
	ws    *Workspace
	opts  Options
	runID string
	gate  *gate
	// secrets resolves the secrets stages use.
	secrets *secretBook
	// git delivers the project's git state, looked up while stages run.
	git chan *artifacts.GitState
	// live writes the run's live state (nil when not recording one).
	live *liveRecorder

	// stopped is set once a stage fails.
	stopped atomic.Bool

	// smOnce starts sm, the system-metrics sampler, when the first stage
	// runs (a fully cached run samples nothing).
	smOnce sync.Once
	sm     *sysmetrics.Sampler
	// workOnce calls Options.BeforeWork.
	workOnce sync.Once
	// beforeRun, when set, prepares a node that is about to run (not served
	// from a cache): a single-stage execution fetches its inputs there.
	beforeRun func(ctx context.Context, n *pipeline.Node) error

	mu sync.Mutex
	// results is guarded by mu.
	results map[*pipeline.Node]*StageResult
	// damaged holds the keys whose remote record was found damaged (guarded
	// by mu): their push replaces the record.
	damaged map[string]bool
	// fromRemote holds the keys served by the remote in this run (guarded by
	// mu): the remote has them, so they are not pushed back.
	fromRemote map[string]bool
}

// upstreamOutput returns the published output an input port reads.
func (r *runner) upstreamOutput(in pipeline.Input) (artifacts.Output, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := r.results[in.From]
	if res == nil {
		return artifacts.Output{}, false
	}
	o, ok := res.Outputs[in.FromPort]
	return o, ok
}

// cleanStaleTemp removes temporary directories and stale stage outputs left by
// killed runs. A directory in use by a live run is protected by its key lock.
func cleanStaleTemp(ws *Workspace, log zerolog.Logger) {
	entries, _ := os.ReadDir(ws.ScratchRoot())
	for _, e := range entries {
		key := strings.Replace(e.Name(), "-", ":", 1)
		l, ok, err := tryLockKey(ws.Root, key)
		if err != nil || !ok {
			continue
		}
		dir := filepath.Join(ws.ScratchRoot(), e.Name())
		if rec, _ := ws.Store.LoadAction(key); rec != nil {
			// The stage finished; its scratch survived a kill before cleanup.
			_ = artifacts.RemoveAll(dir)
		} else {
			removeStaleOutDirs(dir, log)
		}
		l.unlock()
	}
}

func removeStaleOutDirs(scratch string, log zerolog.Logger) {
	entries, _ := os.ReadDir(scratch)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "out-") {
			if err := artifacts.RemoveAll(filepath.Join(scratch, e.Name())); err != nil {
				log.Warn().Err(err).Msg("could not remove a stale output directory")
			}
		}
	}
}

// tailWriter keeps the last bytes written to it.
type tailWriter struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append([]byte{}, t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailWriter) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

var _ io.Writer = (*tailWriter)(nil)

// failSoftWriter writes to w until a write fails (a full disk), remembers
// that error and then discards, never failing itself: a stage's output is
// read to its end whatever happens to its log file.
type failSoftWriter struct {
	mu  sync.Mutex
	w   io.Writer
	err error
}

func (f *failSoftWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err == nil {
		if _, err := f.w.Write(p); err != nil {
			f.err = err
		}
	}
	return len(p), nil
}

// sampler starts the system-metrics sampler on first use; nil when it cannot
// run (the run goes on without it).
func (r *runner) sampler() *sysmetrics.Sampler {
	r.smOnce.Do(func() {
		path := filepath.Join(r.ws.RunDir(r.runID), "system.ndjson")
		sm, err := sysmetrics.Start(path, time.Second, nil, sysmetrics.WithLogger(r.opts.Log))
		if err != nil {
			r.opts.Log.Warn().Err(err).Msg("system metrics are unavailable for this run")
			return
		}
		r.sm = sm
	})
	return r.sm
}

// stopSampler stops the sampler, if it started, and returns its summary as JSON.
func (r *runner) stopSampler() json.RawMessage {
	if r.sm == nil {
		return nil
	}
	sum, err := r.sm.Stop()
	if err != nil {
		r.opts.Log.Warn().Err(err).Msg("system metrics were not fully written")
	}
	b, err := json.Marshal(sum)
	if err != nil {
		return nil
	}
	return b
}
