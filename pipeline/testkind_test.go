package pipeline

import (
	"context"
	"errors"

	"github.com/mlpipe/pipeline/stages"
	_ "github.com/mlpipe/pipeline/stages/exec"
)

// typedKind is a fake kind with a typed schema, for validation tests.
type typedKind struct{}

func (typedKind) Name() string    { return "typed" }
func (typedKind) Version() string { return "1" }
func (typedKind) Doc() string     { return "test kind" }
func (typedKind) Schema() stages.Schema {
	return stages.Schema{
		Inputs:         []string{"train", "val"},
		RequiredInputs: []string{"train"},
		Params: []stages.Param{
			{Name: "lr", Type: stages.Float, Default: 0.001},
			{Name: "steps", Type: stages.Int, Required: true},
			{Name: "mode", Type: stages.String, Enum: []string{"fast", "slow"}, Default: "fast"},
			{Name: "model", Type: stages.Map, Fields: []stages.Param{
				{Name: "type", Type: stages.String, Required: true},
				{Name: "layers", Type: stages.Int, Default: int64(2)},
			}},
			{Name: "seed", Type: stages.Int},
		},
	}
}
func (typedKind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	if stages.Params(req.Params).Int("steps", 0) < 0 {
		return nil, errors.New("`steps` must not be negative")
	}
	return &stages.Plan{Outputs: []string{"model", "history"}}, nil
}
func (typedKind) Run(context.Context, *stages.Env) (*stages.Result, error) { return nil, nil }

func init() { stages.Register(typedKind{}) }
