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
	"time"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/runtime/sysmetrics"
	"github.com/mlpipe/pipeline/stages"
)

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
	log.Info().Str("key", artifacts.ShortDigest(p.key)).Msg("running")
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
