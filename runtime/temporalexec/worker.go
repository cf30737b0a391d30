package temporalexec

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Serve polls each queue for workflow and stage tasks until ctx ends.
// slots bounds the stages one queue runs at once on this machine.
func Serve(ctx context.Context, c client.Client, queues []string, slots map[string]int, acts *Activities) error {
	if len(queues) == 0 {
		return fmt.Errorf("a worker needs at least one queue")
	}
	var workers []worker.Worker
	defer func() {
		for _, w := range workers {
			w.Stop()
		}
	}()
	for _, q := range queues {
		n := slots[q]
		if n <= 0 {
			n = 1
		}
		w := worker.New(c, q, worker.Options{MaxConcurrentActivityExecutionSize: n})
		w.RegisterWorkflowWithOptions(Workflow, workflow.RegisterOptions{Name: WorkflowName})
		w.RegisterActivityWithOptions(acts.ExecStage, activity.RegisterOptions{Name: ActivityName})
		if err := w.Start(); err != nil {
			return fmt.Errorf("starting the worker of queue %s: %w", q, err)
		}
		workers = append(workers, w)
	}
	<-ctx.Done()
	return nil
}
