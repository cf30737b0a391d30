package runtime

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
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
			log.Info().Str("key", artifacts.ShortDigest(p.key)).Msg("cached")
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
			log.Info().Str("key", artifacts.ShortDigest(p.key)).Msg("cached (produced by a concurrent run)")
			return res
		}
		if ar := r.remoteHit(ctx, p.key, log); ar != nil {
			r.finishCached(res, ar)
			log.Info().Str("key", artifacts.ShortDigest(p.key)).Msg("cached (from the remote store)")
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
