// Package split implements `kind: split`: one input table divided into named
// parts (one output port per fraction name, ports in sorted name order, since
// a decoded map has no order). Rows are assigned by a hash of (seed, key), so
// a row keeps its part when rows are appended or reordered; `method: exact`
// and `stratify` cut exact counts instead (per class when stratified).
package split

import (
	"context"
	"fmt"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
)

// Kind is the split stage kind.
type Kind struct{}

func init() { stages.Register(Kind{}) }

// Name implements stages.Kind.
func (Kind) Name() string { return "split" }

// Version implements stages.Kind.
func (Kind) Version() string { return "2" }

// Implementations implements stages.Implementations: the table format it writes.
func (Kind) Implementations() map[string]string {
	return map[string]string{"table": table.FormatVersion}
}

// Doc implements stages.Kind.
func (Kind) Doc() string {
	return "split a table into named parts by fraction: deterministic, key-hashed, optionally stratified and deduplicated"
}

// Schema implements stages.Kind.
func (Kind) Schema() stages.Schema {
	return stages.Schema{
		Outputs:        "one table per entry of fractions (train, val, test...)",
		Inputs:         []string{"data"},
		RequiredInputs: []string{"data"},
		Params: []stages.Param{
			{Name: "fractions", Type: stages.Map, Required: true, Elem: &stages.Param{Type: stages.Float},
				Doc: "part name -> fraction; they sum to 1; one output port per name (sorted by name)"},
			{Name: "seed", Type: stages.Int, Doc: "hash seed (default: the stage's seed)"},
			{Name: "key", Type: stages.String, Doc: "column whose value places a row (default: the whole row)"},
			{Name: "stratify", Type: stages.String, Doc: "column whose classes each part holds in proportion (implies exact cuts)"},
			{Name: "method", Type: stages.String, Default: methodHash, Enum: []string{methodHash, methodExact},
				Doc: "hash: each row by its own hash (stable under appends; approximate sizes); exact: sizes within one row"},
			{Name: "dedupe", Type: stages.Bool, Default: false, Doc: "drop rows whose key (or whole row) repeats, keeping the first"},
		},
	}
}

// Plan implements stages.Kind.
func (Kind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	cfg, err := parseConfig(req.Params, 0)
	if err != nil {
		return nil, err
	}
	roles := make(map[string]stages.Role, len(cfg.names))
	headline := make([]string, 0, len(cfg.names))
	for _, n := range cfg.names {
		roles[n] = stages.RoleTable
		headline = append(headline, "rows_"+n)
	}
	return &stages.Plan{Outputs: cfg.names, Roles: roles, Headline: headline}, nil
}

// Run implements stages.Kind.
func (Kind) Run(ctx context.Context, env *stages.Env) (*stages.Result, error) {
	cfg, err := parseConfig(env.Params, env.Seed)
	if err != nil {
		return nil, err
	}
	in, ok := env.Inputs["data"]
	if !ok {
		return nil, fmt.Errorf("splitting: input port data is not wired")
	}
	outs := make([]string, len(cfg.names))
	for i, n := range cfg.names {
		outs[i] = env.OutPath(n)
	}
	metrics, err := splitTable(ctx, cfg, in, outs, env.Progress)
	if err != nil {
		return nil, fmt.Errorf("splitting %s: %w", env.Stage, err)
	}
	return &stages.Result{Metrics: metrics}, nil
}
