package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/stages"
)

// roledKind is a fake kind whose plan says of its outputs what its `case`
// parameter asks: a gate passing `data` through, a choice taking its
// candidates' role, or a plan that names a role wrongly.
type roledKind struct{}

func (roledKind) Name() string    { return "roled" }
func (roledKind) Version() string { return "1" }
func (roledKind) Doc() string     { return "test kind" }
func (roledKind) Schema() stages.Schema {
	return stages.Schema{Inputs: []string{"data", "candidates"}, Params: []stages.Param{
		{Name: "case", Type: stages.String, Required: true},
	}}
}
func (roledKind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	switch stages.Params(req.Params).String("case") {
	case "source":
		return &stages.Plan{Outputs: []string{"rows", "notes"}, DefaultOutput: "rows", Roles: map[string]stages.Role{"rows": stages.RoleTable}}, nil
	case "gate":
		return &stages.Plan{Outputs: []string{"findings", "data"}, Roles: map[string]stages.Role{"findings": stages.RoleFindings},
			PassThrough: map[string]string{"data": "data"}}, nil
	case "choice":
		return &stages.Plan{Outputs: []string{"best"}, RoleFrom: map[string]string{"best": "candidates"}}, nil
	case "unknown-port":
		return &stages.Plan{Outputs: []string{"a"}, Roles: map[string]stages.Role{"b": stages.RoleTable}}, nil
	case "unknown-role":
		return &stages.Plan{Outputs: []string{"a"}, Roles: map[string]stages.Role{"a": "spreadsheet"}}, nil
	case "unwired":
		return &stages.Plan{Outputs: []string{"best"}, RoleFrom: map[string]string{"best": "candidates"}}, nil
	}
	return &stages.Plan{Outputs: []string{"a"}}, nil
}
func (roledKind) Run(context.Context, *stages.Env) (*stages.Result, error) { return nil, nil }

func init() { stages.Register(roledKind{}) }

func compileText(t *testing.T, src string) (*Graph, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return compileFile(t, path)
}

// A port's role follows pass-throughs and role sources upstream: the
// gate's data is the source's table, the choice among gated tables is a
// table, and a port no plan names is a file.
func TestOutputRoleFollowsPassThroughs(t *testing.T) {
	g, err := compileText(t, `version: 1
name: roles
stages:
  src: {kind: roled, with: {case: source}}
  gate: {kind: roled, inputs: {data: src}, with: {case: gate}}
  pick: {kind: roled, inputs: {candidates: gate.data}, with: {case: choice}}
`)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		node, port string
		want       stages.Role
	}{
		{"src", "rows", stages.RoleTable},
		{"src", "notes", stages.RoleFile},
		{"gate", "findings", stages.RoleFindings},
		{"gate", "data", stages.RoleTable},
		{"pick", "best", stages.RoleTable},
	} {
		n, ok := g.Node(c.node)
		if !ok {
			t.Fatalf("no node %s", c.node)
		}
		if got := n.OutputRole(c.port); got != c.want {
			t.Errorf("%s.%s: role %q, want %q", c.node, c.port, got, c.want)
		}
	}
}

// A plan that gives a role to a port it does not have, an unknown role, or
// takes a role from an input that is not wired is the stage's definition
// error, named with the stage.
func TestPlanRolesChecked(t *testing.T) {
	for c, want := range map[string]string{
		"unknown-port": "stage `s`: the kind gives a role to `b`, which is not one of its outputs [a]",
		"unknown-role": "stage `s`: the kind gives output `a` the role \"spreadsheet\"; the roles are",
		"unwired":      "stage `s`: output `best` takes what input `candidates` holds, which is not wired",
	} {
		_, err := compileText(t, "version: 1\nname: roles\nstages:\n  s: {kind: roled, with: {case: "+c+"}}\n")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it to contain %q", c, err, want)
		}
	}
}
