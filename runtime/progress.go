package runtime

import (
	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/stages"
)

// ProgressSink hands each running stage a Progress to report to (a terminal
// display, periodic log lines...).
type ProgressSink interface {
	// Stage returns the Progress of one stage instance.
	Stage(name string) stages.Progress
}

// ProgressFinisher is a ProgressSink that is told when a stage ends, so its
// display can go away.
type ProgressFinisher interface {
	Finish(name, status string)
}

// progressFor is the Progress a stage instance reports to: the run's sink,
// if any, and its live state.
func (r *runner) progressFor(n *pipeline.Node) stages.Progress {
	live := r.live.progress(n.Name)
	if r.opts.Progress == nil {
		return live
	}
	return teeProgress{r.opts.Progress.Stage(n.Name), live}
}

// teeProgress reports to two Progresses.
type teeProgress [2]stages.Progress

// Start implements stages.Progress.
func (t teeProgress) Start(total int64, unit string) {
	t[0].Start(total, unit)
	t[1].Start(total, unit)
}

// Add implements stages.Progress.
func (t teeProgress) Add(n int64) {
	t[0].Add(n)
	t[1].Add(n)
}

// Set implements stages.Progress.
func (t teeProgress) Set(done int64, status string) {
	t[0].Set(done, status)
	t[1].Set(done, status)
}
