package runtime

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
)

// UpstreamOutputs maps each stage instance upstream of one stage to its
// outputs by port: all a machine needs to know of the rest of a run to key
// and execute that stage.
type UpstreamOutputs map[string]map[string]artifacts.Output

// names lists the instances, sorted.
func (u UpstreamOutputs) names() []string {
	out := make([]string, 0, len(u))
	for k := range u {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// stageRunner builds a runner for one instance of g whose upstream outputs
// are given, as a machine executing a single stage of a distributed run sees
// it.
func stageRunner(g *pipeline.Graph, ws *Workspace, stage string, upstream UpstreamOutputs, opts Options) (*runner, *pipeline.Node, error) {
	n, ok := g.Node(stage)
	if !ok {
		return nil, nil, fmt.Errorf("the definition has no stage instance %s", stage)
	}
	r := newRunner(g, ws, opts.RunID, opts)
	for _, u := range g.Upstream(n) {
		outs, ok := upstream[u.Name]
		if !ok {
			return nil, nil, fmt.Errorf("stage %s: the outputs of upstream stage %s are not given", n.Name, u.Name)
		}
		r.results[u] = &StageResult{Node: u, Status: StatusCached, Outputs: outs}
	}
	for _, name := range upstream.names() {
		if _, ok := g.Node(name); !ok {
			return nil, nil, fmt.Errorf("stage %s: upstream %s is not in the definition", n.Name, name)
		}
	}
	return r, n, nil
}

// RemoteHit keys one stage of g from the outputs of the stages upstream of
// it and looks its key up in the remote store (one request). On a hit it
// returns the stage's cached result without downloading anything; on a
// miss, a nil result and the key.
func RemoteHit(ctx context.Context, g *pipeline.Graph, ws *Workspace, stage string, upstream UpstreamOutputs, remote RemoteStore) (*StageResult, string, error) {
	r, n, err := stageRunner(g, ws, stage, upstream, Options{})
	if err != nil {
		return nil, "", err
	}
	res, key, err := r.lookupRemote(ctx, n, remote)
	if err != nil {
		return nil, key, err
	}
	if err := ws.Stats.Save(); err != nil {
		return nil, "", fmt.Errorf("saving the stat cache: %w", err)
	}
	return res, key, nil
}

// lookupRemote keys n from its upstream results and asks the remote for the
// key's record (one request). It returns the cached result on a hit, nil on
// a miss, and the key either way; nothing is downloaded.
func (r *runner) lookupRemote(ctx context.Context, n *pipeline.Node, remote RemoteStore) (*StageResult, string, error) {
	p, err := r.prepare(n)
	if err != nil {
		return nil, "", fmt.Errorf("stage %s: %w", n.Name, err)
	}
	ar, err := remote.GetAction(ctx, p.key)
	if err != nil {
		return nil, p.key, fmt.Errorf("stage %s: looking up key %s: %w", n.Name, artifacts.ShortDigest(p.key), err)
	}
	if ar == nil {
		return nil, p.key, nil
	}
	return cachedResult(n, p, ar), p.key, nil
}

// ExecStage executes one stage of g, given the outputs of the stages upstream
// of it, as a worker of a distributed run does: it fetches the stage's inputs from the remote store,
// serves the stage from the local or remote cache or runs it, and makes sure
// the remote store holds its outputs and record before returning, so the
// machines running the stages downstream can fetch them. The stage's log is
// kept under the workspace's runs/<RunID>/logs. A failed stage is reported in
// the result's Status; the error is for what kept the stage from being tried.
func ExecStage(ctx context.Context, g *pipeline.Graph, ws *Workspace, stage string, upstream UpstreamOutputs, opts Options) (*StageResult, error) {
	if opts.Remote == nil {
		return nil, fmt.Errorf("executing stage %s: a remote store is required", stage)
	}
	id, unlock, err := beginRun(ws, opts.RunID, time.Now())
	if err != nil {
		return nil, err
	}
	defer unlock()
	opts.RunID = id
	r, n, err := stageRunner(g, ws, stage, upstream, opts)
	if err != nil {
		return nil, err
	}
	// Inputs are fetched only when the stage really runs: a hit needs none.
	r.beforeRun = func(ctx context.Context, n *pipeline.Node) error {
		for _, in := range n.Inputs {
			o, _ := r.upstreamOutput(in)
			if err := FetchMissing(ctx, ws, opts.Remote, o.Tree); err != nil {
				return fmt.Errorf("fetching input `%s`: %w", in.Port, err)
			}
		}
		return nil
	}
	for _, in := range n.Inputs {
		if _, ok := r.upstreamOutput(in); !ok {
			return nil, fmt.Errorf("stage %s: input `%s` reads %s.%s, whose outputs are not given", n.Name, in.Port, in.From.Name, in.FromPort)
		}
	}
	res := r.runNode(ctx, n)
	r.stopSampler()
	if err := ws.Stats.Save(); err != nil {
		opts.Log.Warn().Err(err).Msg("could not save the stat cache")
	}
	if res.Status == StatusRan || res.Status == StatusCached {
		winner, err := ensureRemote(ctx, ws, opts.Remote, res)
		if err != nil {
			return nil, fmt.Errorf("stage %s: %w", n.Name, err)
		}
		if !sameOutputs(winner, &artifacts.ActionRecord{Outputs: res.Outputs}) {
			// Another machine recorded the key first with other bytes (a
			// stage that is not deterministic): every machine uses theirs.
			if err := r.fetchOutputs(ctx, winner); err != nil {
				return nil, fmt.Errorf("stage %s: fetching the outputs recorded first: %w", n.Name, err)
			}
			if err := ws.Store.SaveAction(winner); err != nil {
				return nil, fmt.Errorf("stage %s: %w", n.Name, err)
			}
			res.Outputs = winner.Outputs
			res.Record.Outputs = res.Record.Outputs[:0]
			for _, port := range n.Plan.Outputs {
				res.Record.Outputs = append(res.Record.Outputs, portRecord(port, "", winner.Outputs[port]))
			}
		}
	}
	return res, nil
}

// ensureRemote makes sure the remote holds the stage's record and outputs
// (a local cache hit, or an upload that failed while the stage ran, would
// otherwise leave other machines unable to read them) and returns the record
// the remote holds.
func ensureRemote(ctx context.Context, ws *Workspace, remote RemoteStore, res *StageResult) (*artifacts.ActionRecord, error) {
	cur, err := remote.GetAction(ctx, res.Key)
	if err != nil {
		return nil, fmt.Errorf("checking the remote record: %w", err)
	}
	if cur != nil {
		return cur, nil
	}
	ar, err := ws.Store.LoadAction(res.Key)
	if err != nil {
		return nil, fmt.Errorf("reading the local record of key %s: %w", artifacts.ShortDigest(res.Key), err)
	}
	if ar == nil {
		return nil, fmt.Errorf("the local store has no record of key %s to upload", artifacts.ShortDigest(res.Key))
	}
	for port, o := range ar.Outputs {
		if err := remote.Push(ctx, o, ws.Store); err != nil {
			return nil, fmt.Errorf("uploading output %s: %w", port, err)
		}
	}
	winner, err := remote.PutAction(ctx, ar)
	if err != nil {
		return nil, fmt.Errorf("recording key %s in the remote store: %w", artifacts.ShortDigest(res.Key), err)
	}
	return winner, nil
}
