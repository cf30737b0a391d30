package runtime

import (
	"context"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mlpipe/pipeline/stages"
)

// tableFormat is what formattedKind reports as its table format.
var tableFormat atomic.Value

// formattedKind reports an implementation component, as table-writing kinds do.
type formattedKind struct{}

func (formattedKind) Name() string          { return "formatted" }
func (formattedKind) Version() string       { return "1" }
func (formattedKind) Doc() string           { return "test kind with a table format" }
func (formattedKind) Schema() stages.Schema { return stages.Schema{Inputs: []string{}} }
func (formattedKind) Implementations() map[string]string {
	return map[string]string{"table": tableFormat.Load().(string)}
}
func (formattedKind) Plan(stages.PlanRequest) (*stages.Plan, error) {
	return &stages.Plan{Outputs: []string{"o"}}, nil
}
func (formattedKind) Run(_ context.Context, env *stages.Env) (*stages.Result, error) {
	return nil, os.WriteFile(env.OutPath("o"), []byte("rows\n"), 0o644)
}

func init() {
	tableFormat.Store("1")
	stages.Register(formattedKind{})
}

// A new table format is in the key: the stage re-runs and explain says why.
func TestImplementationVersionsAreInTheKey(t *testing.T) {
	p := newProject(t, "version: 1\nname: formatted\nstages:\n  t: {kind: formatted}\n", nil)
	first := p.run(Options{})
	if got := first.Stages[0].Record.KeyInputs.Implementation["table"]; got != "1" {
		t.Fatalf("pre-image implementation: %v", first.Stages[0].Record.KeyInputs.Implementation)
	}
	tableFormat.Store("2")
	defer tableFormat.Store("1")
	st, err := Explain(p.graph(), p.workspace(), "t")
	if err != nil {
		t.Fatal(err)
	}
	if st[0].State != WouldRun || !strings.Contains(strings.Join(st[0].Reasons, "; "), "the table format of formatted changed: 1 → 2") {
		t.Errorf("explain: %+v", st[0])
	}
	if got := statuses(p.run(Options{})); got != "t=ran" {
		t.Errorf("after the format change: %s", got)
	}
}
