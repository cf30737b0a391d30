// Package selectbest is the `select` stage kind: the reduction of a sweep.
// It reads every point's score (a fan-in input, `scores: quality[*].metrics`),
// picks the point with the best value of one metric and passes on that
// point's candidate (`candidates: classifier[*].model`) as its `best` output,
// with a `choice` file saying which point won and every point's value.
package selectbest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/stages"
)

func init() { stages.Register(Kind{}) }

// Ports of the select kind.
const (
	InputScores     = "scores"
	InputCandidates = "candidates"
	PortBest        = "best"
	PortChoice      = "choice"
)

// maxScoreFile bounds a score file read.
const maxScoreFile = 16 << 20

// Kind is the `select` stage kind.
type Kind struct{}

// Name implements stages.Kind.
func (Kind) Name() string { return "select" }

// Version implements stages.Kind.
func (Kind) Version() string { return "1" }

// Doc implements stages.Kind.
func (Kind) Doc() string {
	return "pick the sweep point with the best metric: scores and candidates are fan-in inputs (`stage[*].port`)"
}

// Schema implements stages.Kind.
func (Kind) Schema() stages.Schema {
	return stages.Schema{
		Outputs:        "choice (a JSON file: the winning point, its value, every point's value); best (the winning candidate) when candidates are wired",
		Inputs:         []string{InputScores, InputCandidates},
		RequiredInputs: []string{InputScores},
		Params: []stages.Param{
			{Name: "metric", Type: stages.String, Required: true, Doc: "the metric compared: a key of each score file's `metrics` object (eval's metrics.json) or of its top level"},
			{Name: "mode", Type: stages.String, Enum: []string{"max", "min"}, Doc: "max or min (default: max for accuracy, precision, recall, f1 and auc scores, min otherwise)"},
		},
	}
}

// Plan implements stages.Kind.
func (Kind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	plan := &stages.Plan{Outputs: []string{PortChoice}, DefaultOutput: PortChoice,
		Roles: map[string]stages.Role{PortChoice: stages.RoleFile}, Headline: []string{"points"}}
	if slices.Contains(req.Inputs, InputCandidates) {
		plan.Outputs = []string{PortBest, PortChoice}
		plan.DefaultOutput = PortBest
		plan.RoleFrom = map[string]string{PortBest: InputCandidates}
	}
	return plan, nil
}

// Choice is the `choice` output.
type Choice struct {
	Metric string `json:"metric"`
	Mode   string `json:"mode"`
	// Best names the winning point (its fan-in member: `lr=0.003`).
	Best  string  `json:"best"`
	Value float64 `json:"value"`
	// Values holds every point's value.
	Values map[string]float64 `json:"values"`
}

// Run implements stages.Kind.
func (Kind) Run(ctx context.Context, env *stages.Env) (*stages.Result, error) {
	p := stages.Params(env.Params)
	metric := p.String("metric")
	mode := p.String("mode")
	if mode == "" {
		mode = "min"
		if stages.HigherIsBetter(metric) {
			mode = "max"
		}
	}
	values, err := readScores(env.Inputs[InputScores], metric)
	if err != nil {
		return nil, err
	}
	members := make([]string, 0, len(values))
	for m := range values {
		members = append(members, m)
	}
	sort.Strings(members) // ties go to the first point by name
	best := members[0]
	for _, m := range members[1:] {
		if (mode == "max" && values[m] > values[best]) || (mode == "min" && values[m] < values[best]) {
			best = m
		}
	}
	ch := Choice{Metric: metric, Mode: mode, Best: best, Value: values[best], Values: values}
	b, err := json.MarshalIndent(ch, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding the choice: %w", err)
	}
	if err := os.WriteFile(env.OutPath(PortChoice), append(b, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("writing the choice: %w", err)
	}
	if dir, ok := env.Inputs[InputCandidates]; ok {
		src := filepath.Join(dir, best)
		if _, err := os.Stat(src); err != nil {
			return nil, fmt.Errorf("input `candidates` has no point `%s`, the best `scores` point (candidates and scores must come from the same sweep): %w", best, err)
		}
		out := env.OutPath(PortBest)
		if err := os.Symlink(src, out); err != nil {
			return nil, fmt.Errorf("passing on candidate %s: %w", best, err)
		}
		if err := artifacts.CopyLinkTargets(out); err != nil {
			return nil, fmt.Errorf("passing on candidate %s: %w", best, err)
		}
	}
	env.Log.Info().Str("best", best).Float64(metric, values[best]).Int("points", len(values)).Msg("selected")
	return &stages.Result{Metrics: map[string]float64{metric: values[best], "points": float64(len(values))}}, nil
}

// readScores reads metric from every member of a fan-in directory: a JSON
// file, or a directory holding metrics.json (eval's metrics output).
func readScores(dir, metric string) (map[string]float64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("input `scores` must be a fan-in (`stage[*].port`): %w", err)
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("input `scores` holds no point")
	}
	out := make(map[string]float64, len(entries))
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if st, err := os.Stat(path); err == nil && st.IsDir() {
			path = filepath.Join(path, "metrics.json")
		}
		v, err := scoreOf(path, metric)
		if err != nil {
			return nil, fmt.Errorf("scores of point %s: %w", e.Name(), err)
		}
		out[e.Name()] = v
	}
	return out, nil
}

// scoreOf reads one metric from a JSON object: under `metrics` when the
// object has one, else at its top level.
func scoreOf(path, metric string) (float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var top map[string]any
	if err := json.NewDecoder(&limitedReader{f: f, left: maxScoreFile}).Decode(&top); err != nil {
		return 0, fmt.Errorf("%s is not a JSON object: %w", filepath.Base(path), err)
	}
	metrics := top
	if m, ok := top["metrics"].(map[string]any); ok {
		metrics = m
	}
	raw, ok := metrics[metric]
	if !ok {
		names := make([]string, 0, len(metrics))
		for k := range metrics {
			names = append(names, k)
		}
		sort.Strings(names)
		return 0, fmt.Errorf("no metric `%s` (it has: %v)", metric, names)
	}
	v, ok := raw.(float64)
	if !ok {
		return 0, fmt.Errorf("metric `%s` is %v, not a number", metric, raw)
	}
	return v, nil
}

// limitedReader fails a read past its limit instead of truncating.
type limitedReader struct {
	f    *os.File
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, fmt.Errorf("over %d MiB", maxScoreFile>>20)
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.f.Read(p)
	l.left -= int64(n)
	return n, err
}
