package temporalexec

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/distributed"
)

// Workflow runs a pipeline's stages as activities, each once the stages
// upstream of it are done, by the local runner's rule (runtime.Decide). A
// stage that fails (by itself, or after its worker failed Policy.Attempts
// times) stops the run unless KeepGoing; stages downstream of it are
// skipped, each outcome saying why. It is deterministic: it walks the
// stages in the order given and reads maps only by key.
func Workflow(ctx workflow.Context, in Input) (*Result, error) {
	if in.Policy.Attempts <= 0 {
		in.Policy = DefaultPolicy()
	}
	done := map[string]*distributed.StageOutcome{}
	for name, o := range in.Known {
		done[name] = o
	}
	started := map[string]bool{}
	if err := workflow.SetQueryHandler(ctx, ProgressQuery, func() (map[string]string, error) {
		return progress(in.Stages, done, started), nil
	}); err != nil {
		return nil, fmt.Errorf("registering the progress query: %w", err)
	}
	sel := workflow.NewSelector(ctx)
	running := 0
	stopped := false
	for {
		for _, s := range in.Stages {
			if done[s.Name] != nil || started[s.Name] {
				continue
			}
			up := make([]runtime.Upstream, len(s.Upstream))
			for i, u := range s.Upstream {
				up[i].Name = u
				if o := done[u]; o != nil {
					up[i].Status = o.Status
				}
			}
			decision, why := runtime.Decide(up, runtime.RunState{Stopped: stopped, KeepGoing: in.KeepGoing})
			if decision == runtime.Skip {
				done[s.Name] = skippedOutcome(s.Name, why)
				continue
			}
			if decision == runtime.Wait {
				continue
			}
			started[s.Name] = true
			running++
			task := Task{RunID: in.RunID, Bundle: in.Bundle, Stage: s.Name, Upstream: map[string]map[string]artifacts.Output{}}
			for _, u := range s.Upstream {
				task.Upstream[u] = done[u].Outputs
			}
			actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
				TaskQueue:           s.Queue,
				StartToCloseTimeout: in.Policy.Timeout,
				HeartbeatTimeout:    in.Policy.Heartbeat,
				RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: in.Policy.Attempts, NonRetryableErrorTypes: []string{errSetup}},
			})
			name := s.Name
			sel.AddFuture(workflow.ExecuteActivity(actx, ActivityName, task), func(f workflow.Future) {
				running--
				var out distributed.StageOutcome
				if err := f.Get(ctx, &out); err != nil {
					out = distributed.StageOutcome{Name: name, Status: runtime.StatusFailed, Error: fmt.Sprintf("stage %s could not be executed: %v", name, err)}
					out.Record.Name, out.Record.Status, out.Record.Error = name, runtime.StatusFailed, out.Error
				}
				if out.Status == runtime.StatusFailed {
					stopped = true
				}
				done[name] = &out
			})
		}
		if running == 0 {
			break
		}
		sel.Select(ctx)
	}
	res := &Result{Stages: map[string]*distributed.StageOutcome{}}
	for _, s := range in.Stages {
		if done[s.Name] == nil {
			done[s.Name] = skippedOutcome(s.Name, "the run ended before it started")
		}
		res.Stages[s.Name] = done[s.Name]
	}
	return res, nil
}

// ProgressQuery names the workflow's query that answers, for each stage,
// its status so far: "pending", "running", or its outcome's status.
const ProgressQuery = "progress"

func progress(stages []PlannedStage, done map[string]*distributed.StageOutcome, started map[string]bool) map[string]string {
	out := make(map[string]string, len(stages))
	for _, s := range stages {
		switch {
		case done[s.Name] != nil:
			out[s.Name] = done[s.Name].Status
		case started[s.Name]:
			out[s.Name] = "running"
		default:
			out[s.Name] = "pending"
		}
	}
	return out
}

// skippedOutcome is the outcome of a stage that did not run, and why.
func skippedOutcome(name, why string) *distributed.StageOutcome {
	return &distributed.StageOutcome{Name: name, Status: runtime.StatusSkipped, Error: why}
}
