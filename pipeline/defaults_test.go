package pipeline

import (
	"context"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/stages"
)

// defaultsKind is a kind whose schema default the test changes.
type defaultsKind struct{}

// defaultSteps is defaultsKind's default for `steps`.
var defaultSteps = int64(300)

func (defaultsKind) Name() string    { return "defaults-test" }
func (defaultsKind) Version() string { return "1" }
func (defaultsKind) Doc() string     { return "a kind with defaults, for tests" }
func (defaultsKind) Schema() stages.Schema {
	return stages.Schema{Params: []stages.Param{
		{Name: "steps", Type: stages.Int, Default: defaultSteps, Min: stages.Num(1)},
		{Name: "model", Type: stages.Map, Default: map[string]any{}, Fields: []stages.Param{
			{Name: "type", Type: stages.String, Enum: []string{"small", "big"}},
			{Name: "width", Type: stages.Int, Min: stages.Num(1),
				DefaultBy: &stages.Conditional{On: "type", Values: map[string]any{"small": int64(8), "big": int64(64)}}},
			{Name: "dropout", Type: stages.Float, Default: 0.1, Min: stages.Num(0), Max: stages.Num(1), MaxExclusive: true},
		}},
	}}
}
func (defaultsKind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	return &stages.Plan{Outputs: []string{"out"}}, nil
}
func (defaultsKind) Run(context.Context, *stages.Env) (*stages.Result, error) { return nil, nil }

func init() { stages.Register(defaultsKind{}) }

// paramsJSON compiles a one-stage definition and returns the canonical JSON
// of its stage's params, the part of the key pre-image they make.
func paramsJSON(t *testing.T, with string) string {
	t.Helper()
	g, err := compileSrc(t, "version: 1\nname: d\nstages:\n  s:\n    kind: defaults-test\n    with: "+with+"\n")
	if err != nil {
		t.Fatalf("compile with %s: %v", with, err)
	}
	n, ok := g.Node("s")
	if !ok {
		t.Fatal("no stage s")
	}
	return string(CanonicalJSON(n.Params))
}

func TestDefaultsEnterKey(t *testing.T) {
	omitted := paramsJSON(t, "{model: {type: big}}")
	if want := `{"model":{"dropout":0.1,"type":"big","width":64},"steps":300}`; omitted != want {
		t.Fatalf("params = %s, want %s", omitted, want)
	}
	spelled := paramsJSON(t, "{steps: 300, model: {type: big, width: 64, dropout: 0.1}}")
	if spelled != omitted {
		t.Fatalf("a default spelled out gives %s, omitted %s", spelled, omitted)
	}
	if small := paramsJSON(t, "{model: {type: small}}"); !strings.Contains(small, `"width":8`) {
		t.Fatalf("small model params = %s, want width 8", small)
	}
	defaultSteps = 400
	defer func() { defaultSteps = 300 }()
	if changed := paramsJSON(t, "{model: {type: big}}"); changed == omitted {
		t.Fatalf("changing a default left the params (and key) at %s", changed)
	}
}

func TestRangeErrorsNameField(t *testing.T) {
	for with, want := range map[string]string{
		"{steps: 0}":                      "with.steps: must be at least 1, got 0",
		"{model: {width: 0}}":             "with.model.width: must be at least 1, got 0",
		"{model: {dropout: 1.0}}":         "with.model.dropout: must be below 1, got 1",
		"{model: {type: big, width: -2}}": "with.model.width: must be at least 1, got -2",
	} {
		_, err := compileSrc(t, "version: 1\nname: d\nstages:\n  s:\n    kind: defaults-test\n    with: "+with+"\n")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("with %s: error = %v, want it to contain %q", with, err, want)
		}
	}
}
