package temporalexec

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/distributed"
)

// fakeStages stands in for workers: it records which queue each stage was
// sent to and what it was given, and fails the stages it is told to.
type fakeStages struct {
	mu     sync.Mutex
	seen   map[string]Task
	fail   map[string]bool
	broken map[string]bool // the worker itself fails (an error, retried)
	tries  map[string]int
	queue  map[string]string
}

func (f *fakeStages) exec(ctx context.Context, t Task) (*distributed.StageOutcome, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tries[t.Stage]++
	f.queue[t.Stage] = activity.GetInfo(ctx).TaskQueue
	f.seen[t.Stage] = t
	if f.broken[t.Stage] {
		return nil, errors.New("worker lost")
	}
	if f.fail[t.Stage] {
		return &distributed.StageOutcome{Name: t.Stage, Status: runtime.StatusFailed, Error: "exit status 1"}, nil
	}
	d := artifacts.HashBytes([]byte(t.Stage))
	return &distributed.StageOutcome{Name: t.Stage, Status: runtime.StatusRan, Key: d,
		Outputs: map[string]artifacts.Output{"out": {Tree: artifacts.Tree{Digest: d, Size: 1, Files: 1}}}}, nil
}

func runWorkflow(t *testing.T, f *fakeStages, in Input) *Result {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(Workflow)
	env.RegisterActivityWithOptions(f.exec, activity.RegisterOptions{Name: ActivityName})
	env.ExecuteWorkflow(Workflow, in)
	if !env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var res Result
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	return &res
}

func newFake() *fakeStages {
	return &fakeStages{seen: map[string]Task{}, fail: map[string]bool{}, broken: map[string]bool{}, tries: map[string]int{}, queue: map[string]string{}}
}

// diamond: a → b, a → c (gpu), b,c → d; e stands alone.
func diamond() []PlannedStage {
	return []PlannedStage{
		{Name: "a", Queue: CPUQueue},
		{Name: "b", Upstream: []string{"a"}, Queue: CPUQueue},
		{Name: "c", Upstream: []string{"a"}, Queue: GPUQueue},
		{Name: "d", Upstream: []string{"b", "c"}, Queue: CPUQueue},
		{Name: "e", Queue: CPUQueue},
	}
}

func statusLine(res *Result) string {
	var parts []string
	for name, o := range res.Stages {
		parts = append(parts, name+"="+o.Status)
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func TestWorkflowRunsStagesAfterTheirUpstream(t *testing.T) {
	f := newFake()
	res := runWorkflow(t, f, Input{RunID: "r1", Stages: diamond()})
	if got := statusLine(res); got != "a=ran b=ran c=ran d=ran e=ran" {
		t.Fatal(got)
	}
	d := f.seen["d"]
	if len(d.Upstream) != 2 || d.Upstream["b"]["out"].Digest != artifacts.HashBytes([]byte("b")) || d.Upstream["c"]["out"].Digest != artifacts.HashBytes([]byte("c")) {
		t.Fatalf("d was given %+v", d.Upstream)
	}
	if d.RunID != "r1" {
		t.Errorf("run id %q", d.RunID)
	}
}

func TestWorkflowSkipsKnownStages(t *testing.T) {
	f := newFake()
	known := &distributed.StageOutcome{Name: "a", Status: runtime.StatusCached, Key: "k",
		Outputs: map[string]artifacts.Output{"out": {Tree: artifacts.Tree{Digest: "xxh3:known", Size: 1, Files: 1}}}}
	res := runWorkflow(t, f, Input{Stages: diamond(), Known: map[string]*distributed.StageOutcome{"a": known}})
	if got := statusLine(res); got != "a=cached b=ran c=ran d=ran e=ran" {
		t.Fatal(got)
	}
	if f.tries["a"] != 0 {
		t.Error("a known stage was executed")
	}
	if got := f.seen["b"].Upstream["a"]["out"].Digest; got != "xxh3:known" {
		t.Errorf("b read %s, not the known output", got)
	}
}

func TestWorkflowFailureSkipsDownstream(t *testing.T) {
	f := newFake()
	f.fail["b"] = true
	res := runWorkflow(t, f, Input{Stages: diamond(), KeepGoing: true})
	if got := statusLine(res); got != "a=ran b=failed c=ran d=skipped e=ran" {
		t.Fatal(got)
	}
	if why := res.Stages["d"].Error; why != "upstream `b` failed" {
		t.Errorf("d's outcome says %q, want the local runner's reason", why)
	}
	if f.tries["b"] != 1 {
		t.Errorf("a stage that failed by itself was tried %d times", f.tries["b"])
	}
}

func TestWorkflowRetriesALostWorkerThenGivesUp(t *testing.T) {
	f := newFake()
	f.broken["c"] = true
	res := runWorkflow(t, f, Input{Stages: diamond(), Policy: Policy{Heartbeat: 10e9, Timeout: 60e9, Attempts: 2}})
	if f.tries["c"] != 2 {
		t.Errorf("c was tried %d times, want 2", f.tries["c"])
	}
	if o := res.Stages["c"]; o.Status != runtime.StatusFailed || !strings.Contains(o.Error, "worker lost") {
		t.Fatalf("c: %+v", o)
	}
	if res.Stages["d"].Status != runtime.StatusSkipped {
		t.Errorf("d: %s", res.Stages["d"].Status)
	}
}

func TestQueueFollowsResources(t *testing.T) {
	f := newFake()
	runWorkflow(t, f, Input{Stages: diamond()})
	got := []string{}
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		got = append(got, name+"@"+f.queue[name])
	}
	if strings.Join(got, " ") != "a@cpu b@cpu c@gpu d@cpu e@cpu" {
		t.Fatal(got)
	}
}

func TestProgressQueryAnswersEachStage(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	f := newFake()
	f.fail["b"] = true
	env.RegisterActivityWithOptions(f.exec, activity.RegisterOptions{Name: ActivityName})
	env.ExecuteWorkflow(Workflow, Input{Stages: diamond()})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	v, err := env.QueryWorkflow(ProgressQuery)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := v.Get(&got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "ran", "b": "failed", "c": "ran", "d": "skipped", "e": "ran"}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("progress of %s = %q, want %q (all: %v)", k, got[k], w, got)
		}
	}
}
