package temporalexec

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
)

// WorkflowID derives the workflow's id from the run's bundle (the
// definition, its overrides and every source by digest, which together fix
// every stage's key) and the keys of its first stages, those that read no
// other stage's output. Teammates who launch the same run, and a client that
// launches it again after an interruption, get the same id and so share one
// workflow.
func WorkflowID(g *pipeline.Graph, bundle artifacts.Tree, keys map[string]string) string {
	var b strings.Builder
	b.WriteString(bundle.Digest)
	for _, n := range g.Nodes {
		if len(g.Upstream(n)) == 0 {
			b.WriteString("\n" + n.Name + "=" + keys[n.Name])
		}
	}
	d := artifacts.HashBytes([]byte(b.String()))
	return "pipeline/" + g.Def.Name + "/" + d[strings.IndexByte(d, ':')+1:][:24]
}

// Submit starts the run's workflow, or joins the one running under the same
// id, and waits for its result. The workflow's own tasks go to the cpu queue.
// When report is set, it is called with each stage whose status changes, as
// seen by querying the workflow every PollEvery, and with the progress the
// running stages' workers send in their heartbeats ("progress: ...").
func Submit(ctx context.Context, c client.Client, id string, in Input, report func(stage, status string)) (*Result, error) {
	opts := client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                CPUQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
	}
	run, err := c.ExecuteWorkflow(ctx, opts, WorkflowName, in)
	if err != nil {
		return nil, fmt.Errorf("starting workflow %s: %w", id, err)
	}
	if report != nil {
		stop := make(chan struct{})
		defer close(stop)
		go watch(ctx, c, id, run.GetRunID(), report, stop)
	}
	var res Result
	if err := run.Get(ctx, &res); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("stopped waiting for workflow %s, which goes on; launch the same run again to wait for it", id)
		}
		return nil, fmt.Errorf("workflow %s (run %s): %w", id, run.GetRunID(), err)
	}
	return &res, nil
}

// PollEvery is how often Submit asks a running workflow for its progress.
var PollEvery = 2 * time.Second

// watch reports stage status changes until stop is closed.
func watch(ctx context.Context, c client.Client, id, runID string, report func(stage, status string), stop <-chan struct{}) {
	seen, said := map[string]string{}, map[string]string{}
	tick := time.NewTicker(PollEvery)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		v, err := c.QueryWorkflow(ctx, id, runID, ProgressQuery)
		if err != nil {
			continue // the workflow may not have started its first task yet
		}
		var cur map[string]string
		if err := v.Get(&cur); err != nil {
			continue
		}
		names := make([]string, 0, len(cur))
		for n := range cur {
			names = append(names, n)
		}
		sort.Strings(names)
		running := false
		for _, n := range names {
			if cur[n] != seen[n] && cur[n] != "pending" {
				report(n, cur[n])
			}
			seen[n] = cur[n]
			running = running || cur[n] == "running"
		}
		if running {
			for _, hb := range heartbeats(ctx, c, id, runID) {
				if hb.Progress != "" && hb.Progress != said[hb.Stage] {
					said[hb.Stage] = hb.Progress
					report(hb.Stage, progressPrefix+hb.Progress)
				}
			}
		}
	}
}

// heartbeats returns the latest heartbeat of each running stage.
func heartbeats(ctx context.Context, c client.Client, id, runID string) []Heartbeat {
	d, err := c.DescribeWorkflowExecution(ctx, id, runID)
	if err != nil {
		return nil
	}
	var out []Heartbeat
	dc := converter.GetDefaultDataConverter()
	for _, pa := range d.GetPendingActivities() {
		if pa.GetHeartbeatDetails() == nil {
			continue
		}
		var hb Heartbeat
		if err := dc.FromPayloads(pa.GetHeartbeatDetails(), &hb); err == nil && hb.Stage != "" {
			out = append(out, hb)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Stage < out[j].Stage })
	return out
}

// IdleQueues returns the task queues of the plan that no worker has polled
// recently: their stages will wait until a worker serving them starts.
func IdleQueues(ctx context.Context, c client.Client, plan []PlannedStage) ([]string, error) {
	var idle []string
	seen := map[string]bool{}
	for _, s := range plan {
		if seen[s.Queue] {
			continue
		}
		seen[s.Queue] = true
		d, err := c.DescribeTaskQueue(ctx, s.Queue, enumspb.TASK_QUEUE_TYPE_ACTIVITY)
		if err != nil {
			return nil, fmt.Errorf("describing task queue %s: %w", s.Queue, err)
		}
		if len(d.GetPollers()) == 0 {
			idle = append(idle, s.Queue)
		}
	}
	sort.Strings(idle)
	return idle, nil
}
