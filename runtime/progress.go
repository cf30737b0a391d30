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

func (r *runner) progressFor(n *pipeline.Node) stages.Progress {
	if r.opts.Progress == nil {
		return stages.NopProgress{}
	}
	return r.opts.Progress.Stage(n.Name)
}
