package runtime

import (
	"context"
	"fmt"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
)

// Decision is what the scheduling rule says of a stage that has not started.
type Decision int

const (
	// Wait: a stage upstream of it has not ended.
	Wait Decision = iota
	// Start: every stage upstream of it succeeded and the run goes on.
	Start
	// Skip: it will not run (Decide says why).
	Skip
)

// Upstream is one stage upstream of another as the scheduling rule sees it.
type Upstream struct {
	Name string
	// Status is the stage's status once it ended (ran, cached, failed,
	// skipped), "" before.
	Status string
}

// RunState is what the scheduling rule needs to know of the run.
type RunState struct {
	// Stopped is set once a stage failed; KeepGoing is --keep-going.
	Stopped, KeepGoing bool
	// Interrupted is set once the run was cancelled.
	Interrupted bool
}

// stoppedReason is why a stage whose inputs were ready did not start.
const stoppedReason = "the run stopped at a failure before it started (--keep-going runs it)"

// Decide is the one scheduling rule of local and distributed runs. A stage
// is skipped when a stage upstream of it failed or was skipped (the reason
// names the first such stage), waits while one has not ended, and
// otherwise starts, unless the run was interrupted or stopped at a failure
// without --keep-going, when it is skipped too. why is set for Skip and
// Wait.
func Decide(upstream []Upstream, run RunState) (d Decision, why string) {
	for _, u := range upstream {
		switch u.Status {
		case StatusFailed:
			return Skip, fmt.Sprintf("upstream `%s` failed", u.Name)
		case StatusSkipped:
			return Skip, fmt.Sprintf("upstream `%s` was skipped", u.Name)
		}
	}
	for _, u := range upstream {
		if u.Status == "" {
			return Wait, fmt.Sprintf("upstream `%s` has not ended", u.Name)
		}
	}
	switch {
	case run.Interrupted:
		return Skip, "the run was interrupted"
	case run.Stopped && !run.KeepGoing:
		return Skip, stoppedReason
	}
	return Start, ""
}

// execute runs every node once its upstream nodes are done, in parallel.
func (r *runner) execute(ctx context.Context) {
	pending := map[*pipeline.Node]int{}
	for _, n := range r.g.Nodes {
		pending[n] = len(r.g.Upstream(n))
	}
	type done struct {
		n   *pipeline.Node
		res *StageResult
	}
	// Buffered so a finishing stage never waits for the loop, which may be
	// blocked acquiring a slot for the next one.
	finished := make(chan done, len(r.g.Nodes))
	running := 0
	var ready []*pipeline.Node
	for _, n := range r.g.Nodes {
		if pending[n] == 0 {
			ready = append(ready, n)
		}
	}
	release := func(n *pipeline.Node) {
		for _, d := range r.g.Downstream(n) {
			pending[d]--
			if pending[d] == 0 {
				ready = append(ready, d)
			}
		}
	}
	for {
		for i := 0; i < len(ready); i++ {
			n := ready[i]
			if why := r.skipReason(ctx, n); why != "" {
				r.skip(n, why)
				release(n) // its dependents will be skipped too
				continue
			}
			exclusive := n.Plan != nil && n.Plan.Exclusive
			// Slots are taken in topological order, so scheduling is
			// deterministic for a given --jobs.
			r.gate.acquire(exclusive)
			if r.stopped.Load() && !r.opts.KeepGoing {
				r.gate.release(exclusive)
				r.skip(n, stoppedReason)
				release(n)
				continue
			}
			running++
			r.live.started(n.Name)
			go func() {
				res := r.runNode(ctx, n)
				if res.Status == StatusFailed {
					r.stopped.Store(true)
				}
				if f, ok := r.opts.Progress.(ProgressFinisher); ok {
					f.Finish(n.Name, res.Status)
				}
				r.gate.release(exclusive)
				finished <- done{n, res}
			}()
		}
		ready = ready[:0]
		if running == 0 {
			break
		}
		d := <-finished
		running--
		r.mu.Lock()
		r.results[d.n] = d.res
		r.mu.Unlock()
		r.live.ended(d.res)
		release(d.n)
	}
	// Anything never reached (only possible after a failure) is skipped.
	for _, n := range r.g.Nodes {
		if r.results[n] == nil {
			r.skip(n, stoppedReason)
		}
	}
}

// skipReason says why n must not start, or "" when it may (see Decide).
func (r *runner) skipReason(ctx context.Context, n *pipeline.Node) string {
	d, why := Decide(r.upstreamStatus(n), RunState{Stopped: r.stopped.Load(), KeepGoing: r.opts.KeepGoing, Interrupted: ctx.Err() != nil})
	switch d {
	case Start:
		return ""
	case Wait:
		// n is only considered once every upstream stage ended.
		return why + " when it was due to start"
	}
	return why
}

// blocked reports whether a stage upstream of n did not succeed: it failed,
// was skipped, or has no result.
func (r *runner) blocked(n *pipeline.Node) bool {
	d, _ := Decide(r.upstreamStatus(n), RunState{})
	return d != Start
}

// upstreamStatus lists the stages upstream of n with their statuses so far.
func (r *runner) upstreamStatus(n *pipeline.Node) []Upstream {
	r.mu.Lock()
	defer r.mu.Unlock()
	up := r.g.Upstream(n)
	out := make([]Upstream, len(up))
	for i, u := range up {
		out[i].Name = u.Name
		if res := r.results[u]; res != nil {
			out[i].Status = res.Status
		}
	}
	return out
}

func (r *runner) skip(n *pipeline.Node, why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.results[n] != nil {
		return
	}
	r.results[n] = r.skipped(n, why)
	r.live.ended(r.results[n])
}

// skipped builds the result of a stage that did not run, and why.
func (r *runner) skipped(n *pipeline.Node, why string) *StageResult {
	r.opts.Log.Info().Str("stage", n.Name).Msg("skipped: " + why)
	return &StageResult{Node: n, Status: StatusSkipped, Record: artifacts.StageRecord{
		Name: n.Name, Stage: n.Stage, Kind: n.Kind.Name(), Version: n.Kind.Version(), Status: StatusSkipped, Error: "skipped: " + why,
		Params: n.Params, Point: n.Point, Seed: n.Seed, Inputs: []artifacts.PortRecord{}, Outputs: []artifacts.PortRecord{}, Metrics: map[string]float64{},
	}}
}
