package runtime

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
)

// StageOutcome is what one stage of a distributed run reports back: its
// status, key, outputs by digest and its manifest record. It is small and
// holds no data, so it can pass through a workflow engine.
type StageOutcome struct {
	// Name is the stage instance.
	Name string `json:"name"`
	// Status is StatusRan, StatusCached, StatusFailed or StatusSkipped.
	Status string `json:"status"`
	// Key is the stage's key (empty when it was never computed).
	Key string `json:"key,omitempty"`
	// Outputs are the published outputs by port.
	Outputs map[string]artifacts.Output `json:"outputs,omitempty"`
	// Record is the stage's manifest record.
	Record artifacts.StageRecord `json:"record"`
	// Error says why the stage failed, or why it was skipped.
	Error string `json:"error,omitempty"`
	// LogTail is the end of a failed stage's own output.
	LogTail string `json:"log_tail,omitempty"`
}

// Outcome turns a stage result into its outcome.
func Outcome(res *StageResult) *StageOutcome {
	o := &StageOutcome{Name: res.Node.Name, Status: res.Status, Key: res.Key, Outputs: res.Outputs, Record: res.Record, LogTail: res.LogTail}
	if res.Err != nil {
		o.Error = res.Err.Error()
	}
	return o
}

// RemoteOutcomes finds the stages of g the remote store already holds,
// walking the graph in order: a stage is looked up (one request) when every
// stage upstream of it was found, since its key depends on their outputs.
// Nothing is downloaded. It returns the cached outcomes by instance name, and
// the keys of every stage it could key (those found, and those whose
// upstream stages all were).
func RemoteOutcomes(ctx context.Context, g *pipeline.Graph, ws *Workspace, remote RemoteStore) (found map[string]*StageOutcome, keys map[string]string, err error) {
	r := newRunner(g, ws, "", Options{})
	found, keys = map[string]*StageOutcome{}, map[string]string{}
	for _, n := range g.Nodes {
		if r.blocked(n) {
			continue
		}
		res, key, err := r.lookupRemote(ctx, n, remote)
		if err != nil {
			return nil, nil, err
		}
		keys[n.Name] = key
		if res == nil {
			continue
		}
		r.results[n] = res
		found[n.Name] = Outcome(res)
	}
	if err := ws.Stats.Save(); err != nil {
		return nil, nil, fmt.Errorf("saving the stat cache: %w", err)
	}
	return found, keys, nil
}

// RecordRun records, in ws, a run whose stages were carried out elsewhere:
// it downloads every output into the local store (so `cat`, `status` and
// later local runs see them), records each stage in the local action cache,
// exposes the outputs under out/, and writes the manifest. A stage without
// an outcome is recorded as skipped.
func RecordRun(ctx context.Context, g *pipeline.Graph, ws *Workspace, outcomes map[string]*StageOutcome, started time.Time, opts Options) (*RunResult, error) {
	id, unlock, err := beginRun(ws, opts.RunID, started)
	if err != nil {
		return nil, err
	}
	defer unlock()
	opts.RunID = id
	r := newRunner(g, ws, id, opts)
	r.git = lookUpGit(g.Def.Dir)
	for _, n := range g.Nodes {
		o := outcomes[n.Name]
		if o == nil || o.Status == StatusSkipped {
			why := "the distributed run did not reach it"
			if o != nil && o.Error != "" {
				why = o.Error
			}
			r.results[n] = r.skipped(n, why)
			continue
		}
		res := &StageResult{Node: n, Status: o.Status, Key: o.Key, Record: o.Record, Outputs: o.Outputs, LogTail: o.LogTail}
		if o.Record.Kind == "" {
			// The stage never reached a machine that could record it.
			res.Record = newStageResult(n).Record
			res.Record.Key, res.Record.Status = o.Key, o.Status
		}
		if o.Error != "" {
			res.Err = errors.New(o.Error)
			res.Record.Error = o.Error
		}
		r.results[n] = res
		if o.Status != StatusRan && o.Status != StatusCached {
			continue
		}
		ar := &artifacts.ActionRecord{Key: o.Key, Kind: o.Record.Kind, Version: o.Record.Version, Outputs: o.Outputs,
			Metrics: o.Record.Metrics, DurationMS: o.Record.DurationMS, Created: time.Now().UTC()}
		if opts.Remote != nil {
			if err := r.fetchOutputs(ctx, ar); err != nil {
				return nil, fmt.Errorf("stage %s: %w", n.Name, err)
			}
		}
		if !ws.Store.Complete(ar) {
			return nil, fmt.Errorf("stage %s: its outputs are neither in the local store nor fetchable", n.Name)
		}
		if err := ws.Store.SaveAction(ar); err != nil {
			return nil, fmt.Errorf("stage %s: %w", n.Name, err)
		}
	}
	return r.finish(started, ctx.Err() != nil)
}
