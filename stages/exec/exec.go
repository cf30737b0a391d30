// Package exec implements the `exec` stage kind: a shell command that reads
// its inputs from paths in the environment and writes its outputs under
// $PIPELINE_OUT.
package exec

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/stages"
)

// Kind is the exec stage kind.
type Kind struct{}

func init() { stages.Register(Kind{}) }

var portRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// Name implements stages.Kind.
func (Kind) Name() string { return "exec" }

// Version implements stages.Kind.
func (Kind) Version() string { return "1" }

// Doc implements stages.Kind.
func (Kind) Doc() string {
	return "run a shell command; inputs in $PIPELINE_IN_<PORT>, outputs written to $PIPELINE_OUT/<port>"
}

// schema is built once: a definition may hold thousands of exec stages.
var schema = stages.Schema{Params: []stages.Param{
	{Name: "cmd", Type: stages.String, Required: true, Doc: "command run with `sh -c` in the definition's directory"},
	{Name: "outputs", Type: stages.List, Elem: &stages.Param{Type: stages.String}, Default: []any{}, Doc: "output port names; each is the file or directory $PIPELINE_OUT/<port>"},
	{Name: "env", Type: stages.Map, Elem: &stages.Param{Type: stages.String}, Doc: "extra environment variables (part of the stage key)"},
	{Name: "seed", Type: stages.Int, Doc: "seed passed as $PIPELINE_SEED (default: params.seed)"},
	{Name: "follow_links", Type: stages.Bool, Doc: "copy what symbolic links in the outputs point to (by default a link leaving its output is an error)"},
}}

// Schema implements stages.Kind.
func (Kind) Schema() stages.Schema { return schema }

// Plan implements stages.Kind.
func (Kind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	p := stages.Params(req.Params)
	if strings.TrimSpace(p.String("cmd", "")) == "" {
		return nil, errors.New("`cmd` is empty")
	}
	outs := p.Strings("outputs")
	seen := map[string]bool{}
	for _, o := range outs {
		if !portRE.MatchString(o) {
			return nil, fmt.Errorf("output port name %q must start with a letter or `_` and hold only letters, digits, `_`, `-` and `.`", o)
		}
		if seen[o] {
			return nil, fmt.Errorf("output port %q is listed twice", o)
		}
		seen[o] = true
	}
	byVar := map[string]string{}
	for _, in := range req.Inputs {
		v := EnvName(in)
		if other, dup := byVar[v]; dup {
			a, b := min(in, other), max(in, other)
			return nil, fmt.Errorf("input ports `%s` and `%s` would both be $%s; rename one", a, b, v)
		}
		byVar[v] = in
	}
	return &stages.Plan{Outputs: outs}, nil
}

// EnvName returns the environment variable that holds an input port's path.
func EnvName(port string) string {
	var b strings.Builder
	b.WriteString("PIPELINE_IN_")
	for _, r := range strings.ToUpper(port) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
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
	paramsJSON, err := json.Marshal(env.Params)
	if err != nil {
		return nil, fmt.Errorf("encoding params: %w", err)
	}
	metricsPath := env.ScratchDir + "/metrics.json"
	_ = os.Remove(metricsPath)
	args := []string{"sh", "-c", p.String("cmd", "")}
	vars := os.Environ()
	vars = append(vars,
		"PIPELINE_OUT="+env.OutDir,
		"PIPELINE_PARAMS="+string(paramsJSON),
		"PIPELINE_SEED="+strconv.FormatInt(env.Seed, 10),
		"PIPELINE_STAGE="+env.Stage,
		"PIPELINE_METRICS="+metricsPath,
	)
	ports := make([]string, 0, len(env.Inputs))
	for port := range env.Inputs {
		ports = append(ports, port)
	}
	sort.Strings(ports)
	for _, port := range ports {
		vars = append(vars, EnvName(port)+"="+env.Inputs[port])
	}
	if extra := p.Map("env"); extra != nil {
		keys := make([]string, 0, len(extra))
		for k := range extra {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			vars = append(vars, k+"="+extra.String(k, ""))
		}
	}
	cmd, err := start(env, args, vars)
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			stop(cmd.Process.Pid, done)
		case <-done:
		}
	}()
	err = cmd.Wait()
	close(done)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("command cancelled: %w", ctx.Err())
	}
	if err != nil {
		var ee *osexec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("command failed with exit status %d", ee.ExitCode())
		}
		return nil, fmt.Errorf("running command: %w", err)
	}
	for _, o := range p.Strings("outputs") {
		if _, err := os.Lstat(env.OutPath(o)); err != nil {
			return nil, fmt.Errorf("command succeeded but did not write output `%s` ($PIPELINE_OUT/%s)", o, o)
		}
		if p.Bool("follow_links", false) {
			if err := artifacts.CopyLinkTargets(env.OutPath(o)); err != nil {
				return nil, fmt.Errorf("output `%s`: %w", o, err)
			}
		}
	}
	res := &stages.Result{}
	if b, err := os.ReadFile(metricsPath); err == nil {
		var m map[string]float64
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("reading $PIPELINE_METRICS: expected a JSON object of numbers: %w", err)
		}
		res.Metrics = m
	}
	return res, nil
}
