// Package exec implements the `exec` stage kind: a shell command that reads
// its inputs from paths in the environment and writes its outputs under
// $PIPELINE_OUT.
package exec

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"time"

	"github.com/mlpipe/pipeline/stages"
)

// Kind is the exec stage kind.
type Kind struct{}

func init() { stages.Register(Kind{}) }

// Name implements stages.Kind.
func (Kind) Name() string { return "exec" }

// Version implements stages.Kind.
func (Kind) Version() string { return "1" }

// Doc implements stages.Kind.
func (Kind) Doc() string {
	return "run a shell command; inputs in $PIPELINE_IN_<PORT>, outputs written to $PIPELINE_OUT/<port>"
}

// OutputsParam is the `outputs` parameter of the kinds that run commands.
var OutputsParam = stages.Param{Name: "outputs", Type: stages.Any, Default: []any{},
	Doc: "output ports: a list of names (each a file or directory $PIPELINE_OUT/<port>), or a map of name to type: `table` (one Parquet file, recorded and read like an ingest output), `file`, `dir` or `any`; `history: table` keeps the step metrics logged to $PIPELINE_STEPS"}

// EnvParam is the `env` parameter of the kinds that run commands.
var EnvParam = stages.Param{Name: "env", Type: stages.Map, Elem: &stages.Param{Type: stages.String}, Doc: "extra environment variables (part of the stage key)"}

// SeedParam is the `seed` parameter of the kinds that run commands.
var SeedParam = stages.Param{Name: "seed", Type: stages.Int, Doc: "seed passed as $PIPELINE_SEED (default: params.seed)"}

// FollowLinksParam is the `follow_links` parameter of the kinds that run commands.
var FollowLinksParam = stages.Param{Name: "follow_links", Type: stages.Bool, Doc: "copy what symbolic links in the outputs point to (by default a link leaving its output is an error)"}

// schema is built once: a definition may hold thousands of exec stages.
// OutputsDoc says which ports a command stage writes.
const OutputsDoc = "the ports declared in outputs (history: table is filled from $PIPELINE_STEPS)"

var schema = stages.Schema{Outputs: OutputsDoc, Params: []stages.Param{
	{Name: "cmd", Type: stages.String, Required: true, Doc: "command run with `sh -c` in the definition's directory"},
	OutputsParam, EnvParam, SeedParam, FollowLinksParam,
}}

// Schema implements stages.Kind.
func (Kind) Schema() stages.Schema { return schema }

// Plan implements stages.Kind.
func (Kind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	p := stages.Params(req.Params)
	if strings.TrimSpace(p.String("cmd")) == "" {
		return nil, errors.New("`cmd` is empty")
	}
	outs, err := ParseOutputs(req.Params["outputs"])
	if err != nil {
		return nil, err
	}
	if err := CheckInputNames(req.Inputs); err != nil {
		return nil, err
	}
	return &stages.Plan{Outputs: outs.Ports(), Roles: outs.Roles()}, nil
}

// stopGrace is how long a cancelled command has, after SIGTERM, to exit on
// its own before its whole process group is killed.
const stopGrace = 5 * time.Second

// stop asks the command's process group to terminate (the signal a user's
// Ctrl-C or a SIGTERM to the engine becomes), then kills it when it has
// not exited within stopGrace. In a sandbox, the group's leader is its PID
// namespace's init, so the kill takes every process of the stage with it.
func stop(pid int, done <-chan struct{}) {
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	t := time.NewTimer(stopGrace)
	defer t.Stop()
	select {
	case <-t.C:
	case <-done:
	}
	// Whatever is left of the group (background children) goes too.
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}

// Run implements stages.Kind.
func (Kind) Run(ctx context.Context, env *stages.Env) (*stages.Result, error) {
	p := stages.Params(env.Params)
	outs, err := ParseOutputs(env.Params["outputs"])
	if err != nil {
		return nil, err
	}
	c := Command{Args: []string{"sh", "-c", p.String("cmd")}, Env: StringMap(p.Map("env")),
		Outputs: outs, FollowLinks: p.Bool("follow_links")}
	return c.Run(ctx, env)
}

// StringMap returns a map parameter's entries as strings (nil: none).
func StringMap(m stages.Params) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k := range m {
		out[k] = m.String(k, "")
	}
	return out
}
