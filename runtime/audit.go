package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/stages"
)

// Mismatch is one artifact whose content no longer matches its manifest.
type Mismatch struct {
	Stage    string `json:"stage"`
	Port     string `json:"port"`
	Expected string `json:"expected"`
	Actual   string `json:"actual"`
}

// String renders the mismatch for people.
func (m Mismatch) String() string {
	return fmt.Sprintf("%s.%s: expected %s, found %s", m.Stage, m.Port, m.Expected, m.Actual)
}

// Audit re-hashes every output and source a manifest names and returns the
// ones that do not match. Sources are reported under the stage "source".
func Audit(m *artifacts.Manifest, ws *Workspace) []Mismatch {
	var out []Mismatch
	for _, s := range m.Stages {
		if s.Status != StatusRan && s.Status != StatusCached {
			continue
		}
		for _, p := range s.Outputs {
			got := "missing"
			if t, err := artifacts.HashPath(ws.Store.ObjectPath(p.Digest)); err == nil {
				got = t.Digest
			}
			if got != p.Digest {
				out = append(out, Mismatch{Stage: s.Name, Port: p.Port, Expected: p.Digest, Actual: got})
			}
		}
	}
	for _, src := range m.Sources {
		path := src.Path
		if !filepath.IsAbs(path) {
			path = filepath.Join(m.Definition.Dir, path)
		}
		got := "missing"
		if t, err := artifacts.HashPath(path); err == nil {
			got = t.Digest
		}
		if got != src.Digest {
			out = append(out, Mismatch{Stage: "source", Port: src.Path, Expected: src.Digest, Actual: got})
		}
	}
	return out
}

// ResultInputCorrupt is a re-execution not attempted because an input's
// bytes no longer match the record (the fault is upstream, not the stage's).
const ResultInputCorrupt = "input-corrupt"

// RefusedManifestError is a manifest whose stage records do not hash to
// their keys: nothing of it is re-executed.
type RefusedManifestError struct {
	RunID    string
	Problems []string
}

func (e *RefusedManifestError) Error() string {
	return fmt.Sprintf("refusing to re-execute run %s: its manifest does not match its own keys (edited?):\n  %s", e.RunID, strings.Join(e.Problems, "\n  "))
}

// Reexecution is the outcome of running one recorded stage again.
type Reexecution struct {
	Stage string `json:"stage"`
	// Result is "identical", "different", "input-corrupt", "failed" or "not-checked".
	Result string `json:"result"`
	Detail string `json:"detail,omitempty"`
	// Ports lists each output's recorded and re-computed digests.
	Ports []PortCheck `json:"ports,omitempty"`
}

// PortCheck compares one output of a re-executed stage.
type PortCheck struct {
	Port      string `json:"port"`
	Recorded  string `json:"recorded"`
	Recomputd string `json:"recomputed"`
	Identical bool   `json:"identical"`
	// Timing is set for outputs that record measured times; they are not compared.
	Timing bool `json:"timing,omitempty"`
}

// Reexecute runs every stage a manifest records again, with the cache
// bypassed, each from its recorded inputs, in a scratch area of the
// workspace, and compares the outputs bit for bit with the record.
func Reexecute(ctx context.Context, m *artifacts.Manifest, ws *Workspace, log zerolog.Logger) ([]Reexecution, error) {
	if err := ws.Init(); err != nil {
		return nil, err
	}
	// Hold the workspace lock shared, so gc cannot remove recorded inputs meanwhile.
	wl, err := LockWorkspace(ws.Root, false)
	if err != nil {
		return nil, err
	}
	defer wl.Unlock()
	var refused []string
	for _, s := range m.Stages {
		if s.Status != StatusRan && s.Status != StatusCached {
			continue
		}
		if err := checkRecordedKey(s); err != nil {
			refused = append(refused, fmt.Sprintf("stage %s: %v", s.Name, err))
		}
	}
	if len(refused) > 0 {
		return nil, &RefusedManifestError{RunID: m.RunID, Problems: refused}
	}
	var out []Reexecution
	for _, s := range m.Stages {
		r := Reexecution{Stage: s.Name}
		if s.Status != StatusRan && s.Status != StatusCached {
			r.Result, r.Detail = "not-checked", "the stage "+s.Status+" in the recorded run"
			out = append(out, r)
			continue
		}
		kind, ok := stages.Lookup(s.Kind)
		if !ok {
			r.Result, r.Detail = "failed", "this engine has no stage kind "+s.Kind
			out = append(out, r)
			continue
		}
		if kind.Version() != s.Version {
			r.Result, r.Detail = "not-checked", fmt.Sprintf("the %s implementation changed (recorded version %s, now %s)", s.Kind, s.Version, kind.Version())
			out = append(out, r)
			continue
		}
		res, err := reexecuteOne(ctx, m, ws, kind, s, log)
		if err != nil {
			r.Result, r.Detail = "failed", err.Error()
		} else {
			r = *res
		}
		out = append(out, r)
	}
	return out, nil
}

func reexecuteOne(ctx context.Context, m *artifacts.Manifest, ws *Workspace, kind stages.Kind, s artifacts.StageRecord, log zerolog.Logger) (*Reexecution, error) {
	inputs := map[string]string{}
	for _, in := range s.Inputs {
		p := ws.Store.ObjectPath(in.Digest)
		if _, err := os.Lstat(p); err != nil {
			return nil, fmt.Errorf("recorded input `%s` (%s) is no longer in the store", in.Port, artifacts.ShortDigest(in.Digest))
		}
		// The input is proved by its bytes before the stage reads it: a
		// corrupt upstream object is reported as such, not blamed on this stage.
		o := artifacts.Output{Tree: artifacts.Tree{Digest: in.Digest, Size: in.Size, Dir: in.Dir, Files: in.Files}}
		if !in.Dir {
			o.Files = 1
		}
		if _, _, err := ws.Store.Prove(o); err != nil {
			return &Reexecution{Stage: s.Name, Result: ResultInputCorrupt,
				Detail: fmt.Sprintf("input `%s` (from %s) no longer holds the recorded bytes, so the stage was not run: %v", in.Port, in.From, err)}, nil
		}
		inputs[in.Port] = p
	}
	tmp, err := ws.Store.TempDir("reexec")
	if err != nil {
		return nil, err
	}
	defer artifacts.RemoveAll(tmp)
	if inputs, err = stageInputs(inputs, tmp); err != nil {
		return nil, err
	}
	outDir, scratch := filepath.Join(tmp, "out"), filepath.Join(tmp, "scratch")
	for _, d := range []string{outDir, scratch} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	params, err := decodeParams(s.Params)
	if err != nil {
		return nil, err
	}
	if s.KeyInputs != nil && len(s.KeyInputs.Secrets) > 0 {
		// Records hold secrets' hashes only: the values come from the
		// environment, as for the run.
		vals := map[string]string{}
		for name := range s.KeyInputs.Secrets {
			if vals[name], err = lookupSecret(name); err != nil {
				return nil, fmt.Errorf("stage %s: %w", s.Name, err)
			}
		}
		params = pipeline.FillSecrets(params, vals)
	}
	env := &stages.Env{Stage: s.Name, Key: s.Key, Inputs: inputs, OutDir: outDir, ScratchDir: scratch, WorkDir: m.Definition.Dir, CacheDir: ws.CacheDir(kind.Name()),
		Params: params, Seed: s.Seed, Log: log.With().Str("stage", s.Name).Logger(), Output: io.Discard, Progress: stages.NopProgress{}}
	if _, err := safeRun(ctx, kind, env); err != nil {
		return nil, fmt.Errorf("re-running: %w", err)
	}
	r := &Reexecution{Stage: s.Name, Result: "identical"}
	var diff, timing []string
	for _, p := range s.Outputs {
		pc := PortCheck{Port: p.Port, Recorded: p.Digest, Recomputd: "missing"}
		if t, err := artifacts.HashPath(filepath.Join(outDir, p.Port)); err == nil {
			pc.Recomputd = t.Digest
		} else if passedThrough(s, p.Digest) {
			// An input the stage passes through (see stages.Plan.PassThrough).
			pc.Recomputd = p.Digest
		}
		pc.Identical = pc.Recomputd == pc.Recorded
		switch {
		case pc.Identical:
		case slices.Contains(s.TimingOutputs, p.Port) && pc.Recomputd != "missing":
			pc.Timing = true
			timing = append(timing, p.Port)
		default:
			r.Result = "different"
			diff = append(diff, p.Port)
		}
		r.Ports = append(r.Ports, pc)
	}
	var details []string
	if len(diff) > 0 {
		details = append(details, "outputs differ: "+strings.Join(diff, ", "))
	}
	if len(timing) > 0 {
		details = append(details, strings.Join(timing, ", ")+" records measured times and is not compared")
	}
	r.Detail = strings.Join(details, "; ")
	return r, nil
}

// decodeParams turns recorded params back into the engine's value types
// (integers stay int64).
func decodeParams(p map[string]any) (map[string]any, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return fromNumbers(v).(map[string]any), nil
}

func fromNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil && !strings.ContainsAny(x.String(), ".eE") {
			return i
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = fromNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = fromNumbers(e)
		}
	}
	return v
}

// passedThrough reports whether a stage's record names digest among its
// inputs: an output port that is an input passed through unchanged.
func passedThrough(s artifacts.StageRecord, digest string) bool {
	for _, in := range s.Inputs {
		if in.Digest == digest {
			return true
		}
	}
	return false
}
