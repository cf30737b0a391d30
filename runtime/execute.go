package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/runtime/sysmetrics"
	"github.com/mlpipe/pipeline/stages"
)

// prepared is a node with its key computed.
type prepared struct {
	key     string
	ki      *artifacts.KeyInputs
	inputs  map[string]string // port -> object path
	inObjs  map[string]artifacts.Output
	inRecs  []artifacts.PortRecord
	sources []artifacts.Source
}

// prepare hashes a node's deps and sources and computes its key from its
// upstream outputs.
func (r *runner) prepare(n *pipeline.Node) (*prepared, error) {
	p := &prepared{inputs: map[string]string{}, inObjs: map[string]artifacts.Output{}}
	inDigests := map[string]string{}
	for _, in := range n.Inputs {
		o, ok := r.upstreamOutput(in)
		if !ok {
			return nil, fmt.Errorf("input `%s`: upstream %s.%s has no output", in.Port, in.From.Name, in.FromPort)
		}
		inDigests[in.Slot()] = o.Digest
		p.inputs[in.Slot()] = r.ws.Store.ObjectPath(o.Digest)
		p.inObjs[in.Slot()] = o
		p.inRecs = append(p.inRecs, portRecord(in.Slot(), in.From.Name+"."+in.FromPort, o))
	}
	deps, sources, srcRecs, err := hashFiles(r.ws.Stats, r.g.Def.Dir, n)
	if err != nil {
		return nil, err
	}
	p.sources = srcRecs
	secrets, err := r.secrets.digests(n)
	if err != nil {
		return nil, err
	}
	p.ki = keyInputs(n, secrets, inDigests, deps, sources)
	p.key = stageKey(p.ki)
	return p, nil
}

// hashFiles digests a node's deps and plan sources through the stat cache.
func hashFiles(stats *artifacts.StatCache, dir string, n *pipeline.Node) (deps, sources map[string]string, recs []artifacts.Source, err error) {
	deps, sources = map[string]string{}, map[string]string{}
	for i, d := range n.DepPaths {
		t, err := stats.HashPath(d)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("hashing dep %s: %w", n.Deps[i], err)
		}
		deps[n.Deps[i]] = t.Digest
		recs = append(recs, artifacts.Source{Path: n.Deps[i], Digest: t.Digest, Size: t.Size})
	}
	if n.Plan != nil {
		for _, s := range n.Plan.Sources {
			abs := s
			if !filepath.IsAbs(abs) {
				abs = filepath.Join(dir, s)
			}
			t, err := stats.HashPath(abs)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("hashing source %s: %w", s, err)
			}
			rel := relPath(dir, abs)
			sources[rel] = t.Digest
			recs = append(recs, artifacts.Source{Path: rel, Digest: t.Digest, Size: t.Size})
		}
	}
	return deps, sources, recs, nil
}

func portRecord(port, from string, o artifacts.Output) artifacts.PortRecord {
	pr := artifacts.PortRecord{Port: port, From: from, Digest: o.Digest, Size: o.Size, Dir: o.Dir, Files: o.Files, Schema: o.Schema}
	if o.Schema != "" {
		rows := o.Rows
		pr.Rows = &rows
	}
	return pr
}

// runNode serves a node from the cache or runs it.
func (r *runner) runNode(ctx context.Context, n *pipeline.Node) *StageResult {
	log := r.opts.Log.With().Str("stage", n.Name).Logger()
	res := newStageResult(n)
	rec := &res.Record
	fail := func(err error) *StageResult {
		res.Status, res.Err = StatusFailed, err
		rec.Status, rec.Error = StatusFailed, err.Error()
		log.Error().Err(err).Msg("stage failed")
		return res
	}
	p, err := r.prepare(n)
	if err != nil {
		return fail(err)
	}
	res.Key, rec.Key, rec.KeyInputs, rec.Sources = p.key, p.key, p.ki, p.sources
	rec.Inputs = append(rec.Inputs, p.inRecs...)
	if !r.opts.Force {
		if ar := r.cached(p.key, log); ar != nil {
			r.finishCached(res, ar)
			log.Info().Str("key", short(p.key)).Msg("cached")
			return res
		}
	}
	lock, err := tryLockKeyLogged(r.ws.Root, p.key, log)
	if err != nil {
		return fail(err)
	}
	defer lock.unlock()
	if !r.opts.Force {
		// Another run may have produced it while we waited for the lock.
		if ar := r.cached(p.key, log); ar != nil {
			r.finishCached(res, ar)
			log.Info().Str("key", short(p.key)).Msg("cached (produced by a concurrent run)")
			return res
		}
		if ar := r.remoteHit(ctx, p.key, log); ar != nil {
			r.finishCached(res, ar)
			log.Info().Str("key", short(p.key)).Msg("cached (from the remote store)")
			return res
		}
	}
	if r.beforeRun != nil {
		if err := r.beforeRun(ctx, n); err != nil {
			return fail(err)
		}
	}
	return r.runAndPublish(ctx, n, p, res, log, fail)
}

// newStageResult starts the result of a node with its record's static part.
func newStageResult(n *pipeline.Node) *StageResult {
	res := &StageResult{Node: n}
	res.Record = artifacts.StageRecord{Name: n.Name, Stage: n.Stage, Kind: n.Kind.Name(), Version: n.Kind.Version(),
		Params: n.Params, Point: n.Point, Seed: n.Seed, Inputs: []artifacts.PortRecord{}, Outputs: []artifacts.PortRecord{}, Metrics: map[string]float64{}}
	if n.Plan != nil {
		res.Record.TimingOutputs = n.Plan.Timing
	}
	return res
}

// tryLockKeyLogged takes the key lock, saying so when it must wait.
func tryLockKeyLogged(root, key string, log zerolog.Logger) (*keyLock, error) {
	l, ok, err := tryLockKey(root, key)
	if err != nil {
		return nil, err
	}
	if ok {
		return l, nil
	}
	log.Info().Str("key", short(key)).Msg("another stage or run is producing this key; waiting for it")
	return lockKey(root, key)
}

// cached returns the action record for key when every object it names is
// proved (see proveCached), or nil.
func (r *runner) cached(key string, log zerolog.Logger) *artifacts.ActionRecord {
	ar, err := r.ws.Store.LoadAction(key)
	if err != nil || ar == nil {
		return nil
	}
	return r.proveCached(ar, log)
}

func (r *runner) finishCached(res *StageResult, ar *artifacts.ActionRecord) {
	recordCached(res, ar)
}

// cachedResult is the result of a prepared node served by the record ar,
// without exposing its outputs (they may not be local yet).
func cachedResult(n *pipeline.Node, p *prepared, ar *artifacts.ActionRecord) *StageResult {
	res := newStageResult(n)
	res.Key, res.Record.Key, res.Record.KeyInputs, res.Record.Sources = p.key, p.key, p.ki, p.sources
	res.Record.Inputs = append(res.Record.Inputs, p.inRecs...)
	recordCached(res, ar)
	return res
}

// recordCached fills a result served by the action record ar.
func recordCached(res *StageResult, ar *artifacts.ActionRecord) {
	res.Status = StatusCached
	res.Outputs = ar.Outputs
	rec := &res.Record
	rec.Status = StatusCached
	rec.DurationMS = ar.DurationMS
	for k, v := range ar.Metrics {
		rec.Metrics[k] = v
	}
	for _, port := range res.Node.Plan.Outputs {
		if o, ok := ar.Outputs[port]; ok {
			rec.Outputs = append(rec.Outputs, portRecord(port, "", o))
		}
	}
}

// runAndPublish runs the stage in a fresh output directory, then hashes and
// moves each output into the store and writes the action record last.
func (r *runner) runAndPublish(ctx context.Context, n *pipeline.Node, p *prepared, res *StageResult, log zerolog.Logger, fail func(error) *StageResult) *StageResult {
	rec := &res.Record
	if err := r.proveInputs(p); err != nil {
		return fail(err)
	}
	scratch := r.ws.ScratchDir(p.key)
	removeStaleOutDirs(scratch, log)
	outDir := filepath.Join(scratch, fmt.Sprintf("out-%d", os.Getpid()))
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fail(fmt.Errorf("creating output directory: %w", err))
	}
	logPath := r.ws.StageLogPath(r.runID, n.Name)
	logFile, err := os.Create(logPath)
	if err != nil {
		return fail(fmt.Errorf("creating stage log: %w", err))
	}
	defer logFile.Close()
	tail := &tailWriter{max: 4096}
	logSink := &failSoftWriter{w: logFile}
	secrets, err := r.secrets.values(n)
	if err != nil {
		return fail(err)
	}
	out := newRedactingWriter(io.MultiWriter(logSink, tail), redactable(secrets)...)
	inputs, err := stageInputs(p.inputs, scratch)
	if err != nil {
		return fail(err)
	}
	env := &stages.Env{
		Stage: n.Name, Key: p.key, Inputs: inputs, OutDir: outDir, ScratchDir: scratch, WorkDir: r.g.Def.Dir,
		CacheDir: r.ws.CacheDir(n.Kind.Name()), Params: pipeline.FillSecrets(n.Params, secrets), Seed: n.Seed, Log: r.stageLogger(n.Name, out), Output: out, Progress: r.progressFor(n),
		Sandbox: stages.Sandbox{Mode: n.Sandbox, ReadOnly: []string{r.ws.Root}, Writable: []string{scratch}},
	}
	if r.opts.BeforeWork != nil {
		r.workOnce.Do(r.opts.BeforeWork)
	}
	log.Info().Str("key", short(p.key)).Msg("running")
	var span *sysmetrics.Span
	if sm := r.sampler(); sm != nil {
		span = sm.Span()
	}
	before := usage()
	start := time.Now().UTC()
	result, runErr := safeRun(ctx, n.Kind, env)
	out.Flush()
	finish := time.Now().UTC()
	after := usage()
	res.Duration = finish.Sub(start)
	rec.StartedAt, rec.FinishedAt = &start, &finish
	rec.DurationMS = res.Duration.Milliseconds()
	rec.CPUSeconds = after.cpu - before.cpu
	rec.PeakRSSBytes = after.maxRSS
	if span != nil {
		if u, err := span.End(); err == nil {
			rec.CPUSeconds, rec.PeakRSSBytes = u.CPUSeconds, u.PeakRSSBytes
		}
	}
	res.LogTail = tail.String()
	if logSink.err != nil {
		log.Warn().Err(logSink.err).Msg("writing the stage log failed; its end is in the run's output")
		if runErr != nil {
			runErr = fmt.Errorf("%w (and writing the stage log failed: %v)", runErr, logSink.err)
		}
	}
	if err := r.checkInputsUnchanged(p); err != nil {
		_ = artifacts.RemoveAll(outDir)
		return fail(err)
	}
	if runErr != nil {
		runErr = redactError(runErr, secrets)
		var kept stages.OutputsKept
		if errors.As(runErr, &kept) {
			runErr = r.keepOutputs(n, outDir, kept.KeptOutputs(), rec, runErr)
		}
		_ = artifacts.RemoveAll(outDir)
		return fail(runErr)
	}
	if result != nil {
		for k, v := range result.Metrics {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				log.Warn().Str("metric", k).Msg("dropping a metric that is not a finite number")
				continue
			}
			rec.Metrics[k] = v
		}
	}
	outputs := map[string]artifacts.Output{}
	for _, port := range n.Plan.Outputs {
		if in, ok := n.Plan.PassThrough[port]; ok {
			o, ok := p.inObjs[in]
			if !ok {
				return fail(fmt.Errorf("output `%s` passes through input `%s`, which is not wired", port, in))
			}
			outputs[port] = o
			rec.Outputs = append(rec.Outputs, portRecord(port, "", o))
			continue
		}
		src := filepath.Join(outDir, port)
		if _, err := os.Lstat(src); err != nil {
			_ = artifacts.RemoveAll(outDir)
			return fail(fmt.Errorf("the stage did not write its output `%s`", port))
		}
		if err := artifacts.NormalizeOutput(src); err != nil {
			_ = artifacts.RemoveAll(outDir)
			return fail(fmt.Errorf("output `%s`: %w", port, err))
		}
		t, err := r.ws.Store.Publish(src, nil)
		if err != nil {
			_ = artifacts.RemoveAll(outDir)
			return fail(fmt.Errorf("publishing output `%s`: %w", port, err))
		}
		seal, err := r.ws.Store.SealObject(t.Digest)
		if err != nil {
			_ = artifacts.RemoveAll(outDir)
			return fail(fmt.Errorf("publishing output `%s`: %w", port, err))
		}
		o := artifacts.Output{Tree: t, Seal: seal}
		if role := n.OutputRole(port); role.IsTable() {
			rows, schema, err := TableInfo(r.ws.Store.ObjectPath(t.Digest))
			if err != nil {
				_ = artifacts.RemoveAll(outDir)
				return fail(fmt.Errorf("output `%s` is a %s but not a readable table: %w", port, role, err))
			}
			o.Rows, o.Schema = rows, schema
		}
		outputs[port] = o
		rec.Outputs = append(rec.Outputs, portRecord(port, "", o))
	}
	ar := &artifacts.ActionRecord{Key: p.key, Kind: n.Kind.Name(), Version: n.Kind.Version(), Outputs: outputs,
		Metrics: rec.Metrics, DurationMS: rec.DurationMS, Created: finish}
	if err := r.ws.Store.SaveAction(ar); err != nil {
		return fail(fmt.Errorf("recording the stage in the action cache: %w", err))
	}
	if adopted := r.pushRemote(ctx, ar, log); adopted != ar {
		outputs = adopted.Outputs
		rec.Outputs = rec.Outputs[:0]
		for _, port := range n.Plan.Outputs {
			rec.Outputs = append(rec.Outputs, portRecord(port, "", outputs[port]))
		}
	}
	if err := artifacts.RemoveAll(scratch); err != nil {
		log.Warn().Err(err).Msg("could not remove the scratch directory")
	}
	res.Status, rec.Status, res.Outputs = StatusRan, StatusRan, outputs
	log.Info().Str("took", res.Duration.Round(time.Millisecond).String()).Msg("done")
	return res
}

// keepOutputs publishes the ports a failed stage asked to keep and records
// them in its record (not in the action cache: a failed stage has no cached
// result), returning runErr with where to read them.
func (r *runner) keepOutputs(n *pipeline.Node, outDir string, ports []string, rec *artifacts.StageRecord, runErr error) error {
	var kept []string
	for _, port := range ports {
		if !slices.Contains(n.Plan.Outputs, port) {
			continue
		}
		src := filepath.Join(outDir, port)
		if _, err := os.Lstat(src); err != nil {
			continue
		}
		if err := artifacts.NormalizeOutput(src); err != nil {
			return fmt.Errorf("%w (and keeping output `%s` failed: %v)", runErr, port, err)
		}
		t, err := r.ws.Store.Publish(src, nil)
		if err != nil {
			return fmt.Errorf("%w (and keeping output `%s` failed: %v)", runErr, port, err)
		}
		o := artifacts.Output{Tree: t}
		if n.OutputRole(port).IsTable() {
			if rows, schema, err := TableInfo(r.ws.Store.ObjectPath(t.Digest)); err == nil {
				o.Rows, o.Schema = rows, schema
			}
		}
		rec.Outputs = append(rec.Outputs, portRecord(port, "", o))
		kept = append(kept, port)
	}
	if len(kept) == 0 {
		return runErr
	}
	return &keptError{err: runErr, hint: fmt.Sprintf("kept %s: pipeline cat --run %s %s %s.%s",
		strings.Join(kept, ", "), r.runID, r.g.Def.Path, n.Name, kept[0])}
}

// keptError is a failed stage's error with where its kept outputs are.
type keptError struct {
	err  error
	hint string
}

func (e *keptError) Error() string { return e.err.Error() + "; " + e.hint }
func (e *keptError) Unwrap() error { return e.err }

// safeRun runs a stage, turning a panic into an error.
func safeRun(ctx context.Context, k stages.Kind, env *stages.Env) (res *stages.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("stage panicked: %v", p)
		}
	}()
	return k.Run(ctx, env)
}

// resources is a snapshot of this process's and its children's resource use.
type resources struct {
	cpu    float64
	maxRSS int64
}

func usage() resources {
	var self, kids syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	rss := self.Maxrss
	if kids.Maxrss > rss {
		rss = kids.Maxrss
	}
	return resources{
		cpu:    tv(self.Utime) + tv(self.Stime) + tv(kids.Utime) + tv(kids.Stime),
		maxRSS: rss * 1024,
	}
}
