package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/stages"
)

// recorder notes the order in which recordedKind stages start and end, and
// how many run at once; gates let a test hold a stage until it says.
type recorder struct {
	mu       sync.Mutex
	events   []string
	running  int
	peak     int
	started  map[string]chan struct{}
	release  map[string]chan struct{}
	inFlight map[string]bool
	// overlapExclusive is set when a stage ran beside an exclusive one.
	overlapExclusive bool
}

var (
	recordersMu sync.Mutex
	recorders   = map[string]*recorder{}
)

// newRecorder registers a recorder under the test's name (the stages'
// `rec` param) and the stages whose start it gates.
func newRecorder(t *testing.T, gated ...string) (string, *recorder) {
	r := &recorder{started: map[string]chan struct{}{}, release: map[string]chan struct{}{}, inFlight: map[string]bool{}}
	for _, g := range gated {
		r.started[g] = make(chan struct{})
		r.release[g] = make(chan struct{})
	}
	id := t.Name()
	recordersMu.Lock()
	recorders[id] = r
	recordersMu.Unlock()
	t.Cleanup(func() {
		recordersMu.Lock()
		delete(recorders, id)
		recordersMu.Unlock()
	})
	return id, r
}

// recordedKind records its start and end, optionally waits at a gate (or
// for cancellation), and fails when asked.
type recordedKind struct{}

func (recordedKind) Name() string    { return "recorded" }
func (recordedKind) Version() string { return "1" }
func (recordedKind) Doc() string     { return "test kind recording the schedule" }
func (recordedKind) Schema() stages.Schema {
	return stages.Schema{Params: []stages.Param{
		{Name: "rec", Type: stages.String, Required: true},
		{Name: "id", Type: stages.String, Required: true},
		{Name: "fail", Type: stages.Bool, Default: false},
		{Name: "exclusive", Type: stages.Bool, Default: false},
		{Name: "wait_cancel", Type: stages.Bool, Default: false},
	}}
}
func (recordedKind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	return &stages.Plan{Outputs: []string{"o"}, Exclusive: stages.Params(req.Params).Bool("exclusive", false)}, nil
}
func (recordedKind) Run(ctx context.Context, env *stages.Env) (*stages.Result, error) {
	p := stages.Params(env.Params)
	recordersMu.Lock()
	r := recorders[p.String("rec", "")]
	recordersMu.Unlock()
	name := env.Stage
	r.mu.Lock()
	r.events = append(r.events, "start "+name)
	r.running++
	r.peak = max(r.peak, r.running)
	r.inFlight[name] = true
	for other := range r.inFlight {
		if other != name && (strings.HasPrefix(other, "x") || strings.HasPrefix(name, "x")) {
			r.overlapExclusive = true
		}
	}
	started, release := r.started[name], r.release[name]
	r.mu.Unlock()
	if started != nil {
		close(started)
		<-release
	}
	var err error
	if p.Bool("wait_cancel", false) {
		<-ctx.Done()
		err = ctx.Err()
	}
	if err == nil && p.Bool("fail", false) {
		err = errors.New("asked to fail")
	}
	if err == nil {
		err = os.WriteFile(env.OutPath("o"), []byte(name), 0o644)
	}
	r.mu.Lock()
	r.events = append(r.events, "end "+name)
	r.running--
	delete(r.inFlight, name)
	r.mu.Unlock()
	return nil, err
}

func init() { stages.Register(recordedKind{}) }

// recordedDef writes a definition of recorded stages: each line is
// `name: inputs | params` with inputs as `port: stage` pairs.
func recordedDef(rec string, stagesSrc ...string) string {
	var b strings.Builder
	b.WriteString("version: 1\nname: sched\nstages:\n")
	for _, s := range stagesSrc {
		name, rest, _ := strings.Cut(s, ":")
		ins, with, _ := strings.Cut(rest, "|")
		// The id keeps stages apart: identical ones would share a key.
		fmt.Fprintf(&b, "  %s: {kind: recorded, inputs: {%s}, with: {rec: %q, id: %s%s}}\n", name, strings.TrimSpace(ins), rec, name, with)
	}
	return b.String()
}

func (r *recorder) before(a, b string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	ia, ib := -1, -1
	for i, e := range r.events {
		if e == a && ia < 0 {
			ia = i
		}
		if e == b && ib < 0 {
			ib = i
		}
	}
	return ia >= 0 && ib >= 0 && ia < ib
}

// A stage starts only after every stage it reads from ended; independent
// stages run side by side up to --jobs.
func TestSchedulerOrder(t *testing.T) {
	rec, r := newRecorder(t, "a", "d")
	p := newProject(t, recordedDef(rec, "a: |", "b: x: a |", "c: x: b |", "d: |"), nil)
	done := make(chan *RunResult)
	go func() { done <- p.run(Options{Jobs: 2}) }()
	<-r.started["a"]
	<-r.started["d"] // a and d run at once: two jobs, no dependency
	close(r.release["a"])
	close(r.release["d"])
	res := <-done
	if got := statuses(res); got != "a=ran b=ran c=ran d=ran" {
		t.Fatalf("statuses %s", got)
	}
	for _, pair := range [][2]string{{"end a", "start b"}, {"end b", "start c"}} {
		if !r.before(pair[0], pair[1]) {
			t.Errorf("%s not before %s: %v", pair[0], pair[1], r.events)
		}
	}
	if r.peak != 2 {
		t.Errorf("peak concurrency %d, want 2", r.peak)
	}
}

// An exclusive stage runs alone, whatever --jobs allows.
func TestSchedulerExclusive(t *testing.T) {
	rec, r := newRecorder(t)
	p := newProject(t, recordedDef(rec, "p: |", "q: |", "x1: | , exclusive: true", "s: |", "t: |"), nil)
	res := p.run(Options{Jobs: 4})
	if got := statuses(res); strings.Count(got, "=ran") != 5 {
		t.Fatalf("statuses %s", got)
	}
	if r.overlapExclusive {
		t.Errorf("a stage ran beside the exclusive one: %v", r.events)
	}
}

// After a failure, stages downstream of it are skipped naming it; others
// are skipped too, unless --keep-going, which runs them.
func TestSchedulerFailureAndKeepGoing(t *testing.T) {
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprint("keep-going=", keep), func(t *testing.T) {
			rec, _ := newRecorder(t)
			p := newProject(t, recordedDef(rec, "f: | , fail: true", "g: x: f |", "h: |"), nil)
			res := p.run(Options{Jobs: 1, KeepGoing: keep})
			want := "f=failed g=skipped h=skipped"
			if keep {
				want = "f=failed g=skipped h=ran"
			}
			if got := statuses(res); got != want {
				t.Fatalf("statuses %s, want %s", got, want)
			}
			if g := res.Stages[1].Record.Error; g != "skipped: upstream `f` failed" {
				t.Errorf("g's reason %q", g)
			}
			if !keep && !strings.Contains(res.Stages[2].Record.Error, "stopped at a failure") {
				t.Errorf("h's reason %q", res.Stages[2].Record.Error)
			}
		})
	}
}

// Cancelling a run stops the running stage and skips what had not
// started; the run is interrupted and nothing failed is cached.
func TestSchedulerCancellation(t *testing.T) {
	rec, r := newRecorder(t, "w")
	p := newProject(t, recordedDef(rec, "w: | , wait_cancel: true", "after: x: w |"), nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan *RunResult)
	go func() {
		res, err := Run(ctx, p.graph(), p.workspace(), Options{Jobs: 2, Log: zerolog.Nop()})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	<-r.started["w"]
	cancel()
	close(r.release["w"])
	res := <-done
	if res.Status != RunInterrupted || statuses(res) != "w=failed after=skipped" {
		t.Fatalf("status %s, stages %s", res.Status, statuses(res))
	}
	if rec, err := p.workspace().Store.LoadAction(res.Stages[0].Key); err != nil || rec != nil {
		t.Errorf("the interrupted stage is cached: %v %v", rec, err)
	}
}
