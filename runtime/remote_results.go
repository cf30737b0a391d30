package runtime

import (
	"context"
	"fmt"
	"time"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
)

// RemoteResults finds the stages of g the remote store already holds,
// walking the graph in order: a stage is looked up (one request) when every
// stage upstream of it was found, since its key depends on their outputs.
// Nothing is downloaded. It returns the cached results by instance name, and
// the keys of every stage it could key (those found, and those whose
// upstream stages all were).
func RemoteResults(ctx context.Context, g *pipeline.Graph, ws *Workspace, remote RemoteStore) (found map[string]*StageResult, keys map[string]string, err error) {
	r := newRunner(g, ws, "", Options{})
	found, keys = map[string]*StageResult{}, map[string]string{}
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
		found[n.Name] = res
	}
	if err := ws.Stats.Save(); err != nil {
		return nil, nil, fmt.Errorf("saving the stat cache: %w", err)
	}
	return found, keys, nil
}

// RecordRun records, in ws, a run whose stages were carried out elsewhere,
// given their results by instance name: it downloads every output into the
// local store (so `cat`, `status` and later local runs see them), records
// each stage in the local action cache, exposes the outputs under out/, and
// writes the manifest. A stage without a result, or a skipped one, is
// recorded as skipped (its Err, when set, says why); a result whose record
// names no kind (the stage never reached a machine that could record it) is
// given the stage's own record.
func RecordRun(ctx context.Context, g *pipeline.Graph, ws *Workspace, results map[string]*StageResult, started time.Time, opts Options) (*RunResult, error) {
	id, unlock, err := beginRun(ws, opts.RunID, started)
	if err != nil {
		return nil, err
	}
	defer unlock()
	opts.RunID = id
	r := newRunner(g, ws, id, opts)
	r.git = lookUpGit(g.Def.Dir)
	for _, n := range g.Nodes {
		res := results[n.Name]
		if res == nil || res.Status == StatusSkipped {
			why := "the distributed run did not reach it"
			if res != nil && res.Err != nil {
				why = res.Err.Error()
			}
			r.results[n] = r.skipped(n, why)
			continue
		}
		res.Node = n
		if res.Record.Kind == "" {
			res.Record = newStageResult(n).Record
			res.Record.Key, res.Record.Status = res.Key, res.Status
		}
		if res.Err != nil {
			res.Record.Error = res.Err.Error()
		}
		r.results[n] = res
		if res.Status != StatusRan && res.Status != StatusCached {
			continue
		}
		ar := &artifacts.ActionRecord{Key: res.Key, Kind: res.Record.Kind, Version: res.Record.Version, Outputs: res.Outputs,
			Metrics: res.Record.Metrics, DurationMS: res.Record.DurationMS, Created: time.Now().UTC()}
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
