package exec

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"sort"
	"strconv"
	"strings"

	"github.com/mlpipe/pipeline/stages"
)

// The environment contract between the engine and a command (docs/stage-environment.md).
const (
	// EnvOut names the directory each output port is written under.
	EnvOut = "PIPELINE_OUT"
	// EnvOutputs holds the declared outputs as a JSON object of port → type.
	EnvOutputs = "PIPELINE_OUTPUTS"
	// EnvParams holds the stage's resolved `with` as JSON.
	EnvParams = "PIPELINE_PARAMS"
	// EnvSeed holds the stage's seed.
	EnvSeed = "PIPELINE_SEED"
	// EnvStage holds the stage's name.
	EnvStage = "PIPELINE_STAGE"
	// EnvMetrics names the file the command writes its final metrics to.
	EnvMetrics = "PIPELINE_METRICS"
	// EnvSteps names the file the command appends step metrics to, a JSON object a line.
	EnvSteps = "PIPELINE_STEPS"
	// EnvInputPrefix starts the variable holding each input port's path (see EnvName).
	EnvInputPrefix = "PIPELINE_IN_"
)

// Command is one command a stage runs under the environment contract.
type Command struct {
	// Args is the program and its arguments.
	Args []string
	// Env holds extra variables (name → value), after the engine's own.
	Env map[string]string
	// Outputs are the declared output ports.
	Outputs Outputs
	// FollowLinks copies what symbolic links in the outputs point to.
	FollowLinks bool
}

// Run runs c for the stage in env: it sets the contract's variables, waits for
// the command (stopping its process group when ctx is cancelled), checks what
// it wrote against the declared outputs, writes the history table from its
// step metrics, and returns its final metrics (a step metric's last value
// stands for a final metric of that name that the command did not report).
func (c *Command) Run(ctx context.Context, env *stages.Env) (*stages.Result, error) {
	paramsJSON, err := json.Marshal(env.Params)
	if err != nil {
		return nil, fmt.Errorf("encoding params: %w", err)
	}
	types := map[string]OutputType{}
	for _, o := range c.Outputs {
		types[o.Port] = o.Type
	}
	outputsJSON, err := json.Marshal(types)
	if err != nil {
		return nil, fmt.Errorf("encoding outputs: %w", err)
	}
	metricsPath := env.ScratchDir + "/metrics.json"
	stepsPath := env.ScratchDir + "/steps.jsonl"
	for _, p := range []string{metricsPath, stepsPath} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("clearing %s from an earlier attempt: %w", p, err)
		}
	}
	vars := os.Environ()
	vars = append(vars,
		EnvOut+"="+env.OutDir,
		EnvOutputs+"="+string(outputsJSON),
		EnvParams+"="+string(paramsJSON),
		EnvSeed+"="+strconv.FormatInt(env.Seed, 10),
		EnvStage+"="+env.Stage,
		EnvMetrics+"="+metricsPath,
		EnvSteps+"="+stepsPath,
	)
	for _, port := range sortedKeys(env.Inputs) {
		vars = append(vars, EnvName(port)+"="+env.Inputs[port])
	}
	for _, k := range sortedKeys(c.Env) {
		vars = append(vars, k+"="+c.Env[k])
	}
	cmd, err := start(env, c.Args, vars)
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
	engine := map[string]bool{}
	if t, ok := types[HistoryPort]; ok && t == Table {
		engine[HistoryPort] = true
	}
	if err := c.Outputs.check(env.OutDir, c.FollowLinks, engine); err != nil {
		return nil, err
	}
	metrics, err := readMetrics(metricsPath)
	if err != nil {
		return nil, err
	}
	steps, err := readSteps(stepsPath)
	if err != nil {
		return nil, err
	}
	if steps != nil && !engine[HistoryPort] {
		return nil, fmt.Errorf("the command logged step metrics to $PIPELINE_STEPS, but `%s` is not a declared `table` output to keep them in", HistoryPort)
	}
	if engine[HistoryPort] {
		if err := writeHistory(env.OutPath(HistoryPort), steps); err != nil {
			return nil, err
		}
	}
	if steps != nil {
		for k, v := range steps.last() {
			if _, ok := metrics[k]; !ok {
				if metrics == nil {
					metrics = map[string]float64{}
				}
				metrics[k] = v
			}
		}
	}
	return &stages.Result{Metrics: metrics}, nil
}

// EnvName returns the environment variable that holds an input port's path.
func EnvName(port string) string {
	var b strings.Builder
	b.WriteString(EnvInputPrefix)
	for _, r := range strings.ToUpper(port) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// CheckInputNames reports input ports whose variables would collide.
func CheckInputNames(inputs []string) error {
	if len(inputs) < 2 {
		return nil
	}
	byVar := map[string]string{}
	ins := append([]string(nil), inputs...)
	sort.Strings(ins)
	for _, in := range ins {
		v := EnvName(in)
		if other, dup := byVar[v]; dup {
			return fmt.Errorf("input ports `%s` and `%s` would both be $%s; rename one", other, in, v)
		}
		byVar[v] = in
	}
	return nil
}
