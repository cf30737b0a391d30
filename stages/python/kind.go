// Package python implements the `python` stage kind: a Python script run
// under the engine's environment contract, with the mlpipe package on its
// path, in a virtual environment built from a requirements or lock file
// (cached by that file's content and the interpreter) or in the
// interpreter's own environment. The interpreter's version and every
// package version enter the stage key, so an upgrade re-runs the stage and
// `explain` names the package.
package python

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	pysdk "github.com/mlpipe/pipeline/python"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/exec"
)

// Kind is the python stage kind.
type Kind struct{}

func init() { stages.Register(Kind{}) }

// Environment entries a python stage records (stages.Plan.Environment).
const (
	// EnvPython is the interpreter's version.
	EnvPython = "python"
	// EnvLock says what fixed the package set.
	EnvLock = "lock"
	// EnvPackagePrefix starts each package's entry: "package:numpy" → "1.26.4".
	EnvPackagePrefix = "package:"
)

// Name implements stages.Kind.
func (Kind) Name() string { return "python" }

// Version implements stages.Kind.
func (Kind) Version() string { return "1" }

// Implementations implements stages.Implementations: the mlpipe package the
// script imports.
func (Kind) Implementations() map[string]string {
	return map[string]string{pysdk.Package: pysdk.Digest()}
}

// Doc implements stages.Kind.
func (Kind) Doc() string {
	return "run a Python script with the mlpipe package (tables in and out, step metrics), in a cached environment built from requirements or a lock file"
}

// schema: other `with:` keys are the script's own parameters (stage.params).
var schema = stages.Schema{OpenParams: true, Outputs: exec.OutputsDoc, Params: []stages.Param{
	{Name: "script", Type: stages.String, Required: true, Doc: "the script, relative to the definition (a source: its digest enters the key)"},
	{Name: "args", Type: stages.List, Elem: &stages.Param{Type: stages.String}, Default: []any{}, Doc: "arguments after the script"},
	{Name: "requirements", Type: stages.String, Doc: "requirements.txt (pins, optionally with hashes), uv.lock or poetry.lock: the script runs in a virtual environment built from it and cached; without it, in the interpreter's own environment (not locked)"},
	{Name: "python", Type: stages.String, Default: "python3", Doc: "the interpreter: a path, or a command on PATH"},
	exec.OutputsParam, exec.EnvParam, exec.SeedParam, exec.FollowLinksParam,
}}

// Schema implements stages.Kind.
func (Kind) Schema() stages.Schema { return schema }

// setup is a python stage's checked parameters.
type setup struct {
	script  string
	outputs exec.Outputs
	env     map[string]string
	it      *interpreter
	lock    *lockFile // nil: the interpreter's own environment
}

// parse checks params; packages asks the interpreter for its installed
// packages too (what Plan keys; Run needs only the interpreter).
func parse(params map[string]any, workDir string, packages bool) (*setup, error) {
	completed, err := stages.Complete(schema, params)
	if err != nil {
		return nil, fmt.Errorf("reading python parameters: %w", err)
	}
	p := stages.Params(completed)
	s := &setup{env: exec.StringMap(p.Map("env"))}
	s.script = p.String("script")
	if strings.TrimSpace(s.script) == "" {
		return nil, errors.New("with.script: empty")
	}
	if !filepath.IsAbs(s.script) {
		s.script = filepath.Join(workDir, s.script)
	}
	if fi, err := os.Stat(s.script); err != nil {
		return nil, fmt.Errorf("with.script: %w", err)
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("with.script: %s is not a file", p.String("script"))
	}
	outs, err := exec.ParseOutputs(params["outputs"])
	if err != nil {
		return nil, err
	}
	if _, ok := outs.Lookup(exec.HistoryPort); ok {
		return nil, fmt.Errorf("output `%s` is written by the engine from the steps the script logs (stage.log); do not declare it", exec.HistoryPort)
	}
	s.outputs = append(outs, exec.Output{Port: exec.HistoryPort, Type: exec.Table})
	var extra []string
	for _, k := range slices.Sorted(maps.Keys(s.env)) {
		extra = append(extra, k+"="+s.env[k])
	}
	if s.it, err = findInterpreter(p.String("python"), extra, packages); err != nil {
		return nil, err
	}
	if r := p.String("requirements"); r != "" {
		if !filepath.IsAbs(r) {
			r = filepath.Join(workDir, r)
		}
		if s.lock, err = readLockFile(r); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// environment is what enters the key and the manifest.
func (s *setup) environment() map[string]string {
	env := map[string]string{EnvPython: s.it.Version}
	if s.lock == nil {
		env[EnvLock] = "none: the packages installed for the interpreter, not locked"
		for n, v := range s.it.Packages {
			env[EnvPackagePrefix+n] = v
		}
		return env
	}
	name := filepath.Base(s.lock.Path)
	if s.lock.Locked() {
		env[EnvLock] = name
	} else {
		env[EnvLock] = fmt.Sprintf("%s, not locked: %s not pinned with ==", name, strings.Join(s.lock.Unpinned(), ", "))
	}
	for _, r := range s.lock.Reqs {
		v := r.Version
		if v == "" {
			v = "unpinned: " + r.Text
		}
		env[EnvPackagePrefix+r.Name] = v
	}
	return env
}

// Plan implements stages.Kind.
func (Kind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	s, err := parse(req.Params, req.WorkDir, true)
	if err != nil {
		return nil, err
	}
	if err := exec.CheckInputNames(req.Inputs); err != nil {
		return nil, err
	}
	plan := &stages.Plan{Outputs: s.outputs.Ports(), Roles: s.outputs.Roles(), Sources: []string{s.script}, Environment: s.environment()}
	if s.lock != nil {
		plan.Sources = append(plan.Sources, s.lock.Path)
	}
	return plan, nil
}

// Run implements stages.Kind.
func (Kind) Run(ctx context.Context, env *stages.Env) (*stages.Result, error) {
	s, err := parse(env.Params, env.WorkDir, false)
	if err != nil {
		return nil, err
	}
	if env.CacheDir == "" {
		return nil, errors.New("the runtime keeps no cache directory for python stages")
	}
	py := s.it.Path
	if s.lock != nil {
		if !s.lock.Locked() {
			env.Log.Warn().Strs("unpinned", s.lock.Unpinned()).Msgf("%s does not pin every package with ==; a later build of its environment may differ", filepath.Base(s.lock.Path))
		}
		if py, err = ensureEnv(ctx, env.CacheDir, s.it, s.lock, env.Output); err != nil {
			return nil, err
		}
	} else {
		env.Log.Debug().Msg("no requirements: running in the interpreter's own environment, not locked")
	}
	sdk, err := pysdk.Install(filepath.Join(env.CacheDir, "sdk"))
	if err != nil {
		return nil, err
	}
	vars := map[string]string{"PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
	for k, v := range s.env {
		vars[k] = v
	}
	path := sdk
	if pp, ok := s.env["PYTHONPATH"]; ok {
		path += string(os.PathListSeparator) + pp
	} else if pp := os.Getenv("PYTHONPATH"); pp != "" {
		path += string(os.PathListSeparator) + pp
	}
	vars["PYTHONPATH"] = path
	args := append([]string{py, s.script}, stages.Params(env.Params).Strings("args")...)
	c := exec.Command{Args: args, Env: vars, Outputs: s.outputs, FollowLinks: stages.Params(env.Params).Bool("follow_links")}
	return c.Run(ctx, env)
}
