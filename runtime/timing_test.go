package runtime

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/stages"
)

// clockedKind writes one deterministic output and one that records the time,
// declared as a timing output.
type clockedKind struct{}

func (clockedKind) Name() string          { return "clocked" }
func (clockedKind) Version() string       { return "1" }
func (clockedKind) Doc() string           { return "test kind with a timing output" }
func (clockedKind) Schema() stages.Schema { return stages.Schema{Inputs: []string{}} }
func (clockedKind) Plan(stages.PlanRequest) (*stages.Plan, error) {
	return &stages.Plan{Outputs: []string{"value", "timing"}, Timing: []string{"timing"}}, nil
}
func (clockedKind) Run(_ context.Context, env *stages.Env) (*stages.Result, error) {
	if err := os.WriteFile(env.OutPath("value"), []byte("42\n"), 0o644); err != nil {
		return nil, err
	}
	return nil, os.WriteFile(env.OutPath("timing"), []byte(fmt.Sprint(time.Now().UnixNano())), 0o644)
}

func init() { stages.Register(clockedKind{}) }

func TestReexecuteSetsTimingOutputsApart(t *testing.T) {
	p := newProject(t, "version: 1\nname: clocked\nstages:\n  c: {kind: clocked}\n", nil)
	res := p.run(Options{})
	rx, err := Reexecute(t.Context(), res.Manifest, p.workspace(), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	if len(rx) != 1 || rx[0].Result != "identical" || !strings.Contains(rx[0].Detail, "timing records measured times") {
		t.Fatalf("re-execution: %+v", rx)
	}
	for _, pc := range rx[0].Ports {
		if pc.Port == "timing" && (!pc.Timing || pc.Identical) {
			t.Errorf("timing port check: %+v", pc)
		}
	}
}
