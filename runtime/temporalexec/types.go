// Package temporalexec runs a pipeline on Temporal: one workflow per run,
// whose activities are the run's stages. Only keys and digests pass through
// Temporal; the data moves between machines through the remote store.
//
// A client (`pipeline run --executor temporal`) uploads the run's bundle,
// skips what the remote store already holds, and starts the workflow; the
// workflow schedules each stage once the stages upstream of it are done, on
// the `gpu` task queue when the stage asks for a GPU and on `cpu` otherwise;
// a worker (`pipeline worker`) executes a stage by running
// `pipeline exec-stage KEY` as a child process and heartbeats while it runs,
// so a stage whose worker dies is retried on another.
package temporalexec

import (
	"time"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/runtime/distributed"
)

// Names under which the workflow and the activity are registered.
const (
	WorkflowName = "pipeline.Run"
	ActivityName = "pipeline.ExecStage"
)

// Default task queues.
const (
	CPUQueue = "cpu"
	GPUQueue = "gpu"
)

// PlannedStage is one stage of the workflow.
type PlannedStage struct {
	// Name is the stage instance.
	Name string `json:"name"`
	// Upstream are the instances it reads from.
	Upstream []string `json:"upstream,omitempty"`
	// Queue is the task queue that runs it.
	Queue string `json:"queue"`
}

// Input is the workflow's input.
type Input struct {
	// RunID names the run (stage logs on workers are kept under it).
	RunID string `json:"run_id"`
	// Bundle is the object of the run's bundle (see distributed.Bundle).
	Bundle artifacts.Tree `json:"bundle"`
	// Stages are in topological order.
	Stages []PlannedStage `json:"stages"`
	// Known are the stages the remote store already held when the run started.
	Known map[string]*distributed.StageOutcome `json:"known,omitempty"`
	// KeepGoing runs every stage not downstream of a failure.
	KeepGoing bool `json:"keep_going,omitempty"`
	// Policy bounds each stage's activity.
	Policy Policy `json:"policy"`
}

// Policy bounds each stage's activity.
type Policy struct {
	// Heartbeat is how long a stage may go without its worker heartbeating
	// before Temporal gives it to another worker.
	Heartbeat time.Duration `json:"heartbeat"`
	// Timeout bounds one attempt of a stage.
	Timeout time.Duration `json:"timeout"`
	// Attempts bounds the tries of a stage whose worker failed (a stage
	// that fails by itself is not retried).
	Attempts int32 `json:"attempts"`
}

// DefaultPolicy suits long training stages on machines that may be lost.
func DefaultPolicy() Policy {
	return Policy{Heartbeat: time.Minute, Timeout: 72 * time.Hour, Attempts: 3}
}

// Task is one activity's input: the stage to execute and the outputs of the
// stages upstream of it.
type Task struct {
	RunID    string                                 `json:"run_id"`
	Bundle   artifacts.Tree                         `json:"bundle"`
	Stage    string                                 `json:"stage"`
	Upstream map[string]map[string]artifacts.Output `json:"upstream,omitempty"`
}

// Result is the workflow's result: every stage's outcome.
type Result struct {
	Stages map[string]*distributed.StageOutcome `json:"stages"`
}

// QueueOf is the task queue of a stage: GPU stages go to the gpu queue.
func QueueOf(n *pipeline.Node) string {
	if n.Resources.GPU > 0 {
		return GPUQueue
	}
	return CPUQueue
}

// Plan lists g's stages for the workflow, in topological order.
func Plan(g *pipeline.Graph) []PlannedStage {
	out := make([]PlannedStage, 0, len(g.Nodes))
	for _, n := range g.Nodes {
		ps := PlannedStage{Name: n.Name, Queue: QueueOf(n)}
		for _, u := range g.Upstream(n) {
			ps.Upstream = append(ps.Upstream, u.Name)
		}
		out = append(out, ps)
	}
	return out
}
