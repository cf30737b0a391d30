package distributed

import (
	"context"
	"fmt"

	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/runtime"
)

// PreparedStage is a stage of a distributed run made ready on the machine
// that is to execute it (see PrepareStage).
type PreparedStage struct {
	// Graph is the run's graph, compiled from its bundle on this machine.
	Graph *pipeline.Graph
	// Key is the stage's key as this machine computes it.
	Key string
	// Hit is the stage's result when the remote store already holds it.
	Hit *runtime.StageResult
}

// CompileError is an error compiling a bundle's definition: retrying on
// this machine, or on another built alike, does not fix it.
type CompileError struct{ Err error }

func (e *CompileError) Error() string { return e.Err.Error() }
func (e *CompileError) Unwrap() error { return e.Err }

// PrepareStage is the first half of executing one stage of a distributed
// run, the same for a worker and for `pipeline exec-stage`: it rebuilds
// the run's project from the bundle spec names, compiles it, keys the stage
// and looks the key up in the remote store (one request, nothing
// downloaded).
func PrepareStage(ctx context.Context, ws *runtime.Workspace, remote runtime.RemoteStore, spec *StageSpec) (*PreparedStage, error) {
	m, err := MaterializeBundle(ctx, ws, remote, spec.Bundle)
	if err != nil {
		return nil, fmt.Errorf("rebuilding the project of stage %s: %w", spec.Stage, err)
	}
	g, err := m.Compile()
	if err != nil {
		return nil, &CompileError{fmt.Errorf("compiling the definition of stage %s: %w", spec.Stage, err)}
	}
	hit, key, err := runtime.RemoteHit(ctx, g, ws, spec.Stage, spec.Upstream, remote)
	if err != nil {
		return nil, fmt.Errorf("looking up stage %s: %w", spec.Stage, err)
	}
	return &PreparedStage{Graph: g, Key: key, Hit: hit}, nil
}

// ExecStage executes the one stage a spec describes on this machine (see
// runtime.ExecStage); g is the graph PrepareStage compiled from its bundle.
func ExecStage(ctx context.Context, g *pipeline.Graph, ws *runtime.Workspace, spec *StageSpec, opts runtime.Options) (*runtime.StageResult, error) {
	return runtime.ExecStage(ctx, g, ws, spec.Stage, spec.Upstream, opts)
}
