package selectbest

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/stages"
)

// fanIn makes a fan-in directory of score files (name → JSON).
func fanIn(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func run(t *testing.T, params map[string]any, inputs map[string]string) (*Choice, error) {
	t.Helper()
	env := &stages.Env{Stage: "pick", Inputs: inputs, OutDir: t.TempDir(), Params: params,
		Log: zerolog.Nop(), Output: io.Discard, Progress: stages.NopProgress{}}
	if _, err := (Kind{}).Run(context.Background(), env); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(env.OutPath(PortChoice))
	if err != nil {
		t.Fatal(err)
	}
	var c Choice
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return &c, nil
}

// The mode follows the metric (max for scores, min for losses) unless
// given; ties go to the first point by name; top-level and `metrics`
// objects both hold scores.
func TestSelectModes(t *testing.T) {
	scores := fanIn(t, map[string]string{
		"a": `{"metrics": {"accuracy": 0.9, "val_loss": 0.5}}`,
		"b": `{"accuracy": 0.95, "val_loss": 0.7}`,
		"c": `{"metrics": {"accuracy": 0.95, "val_loss": 0.2}}`,
	})
	for _, tc := range []struct {
		params map[string]any
		best   string
		mode   string
	}{
		{map[string]any{"metric": "accuracy"}, "b", "max"},
		{map[string]any{"metric": "val_loss"}, "c", "min"},
		{map[string]any{"metric": "accuracy", "mode": "min"}, "a", "min"},
	} {
		c, err := run(t, tc.params, map[string]string{InputScores: scores})
		if err != nil {
			t.Fatal(err)
		}
		if c.Best != tc.best || c.Mode != tc.mode || len(c.Values) != 3 {
			t.Errorf("%v: %+v, want best %s (%s)", tc.params, c, tc.best, tc.mode)
		}
	}
}

func TestSelectErrors(t *testing.T) {
	cases := []struct {
		files map[string]string
		cands bool
		want  string
	}{
		{map[string]string{"a": `{"loss": 1}`}, false, "scores of point a: no metric `accuracy` (it has: [loss])"},
		{map[string]string{"a": `{"accuracy": "high"}`}, false, "metric `accuracy` is high, not a number"},
		{map[string]string{"a": `[1, 2]`}, false, "scores of point a: a is not a JSON object"},
		{map[string]string{}, false, "input `scores` holds no point"},
		{map[string]string{"a": `{"accuracy": 1}`}, true, "input `candidates` has no point `a`"},
	}
	for _, tc := range cases {
		in := map[string]string{InputScores: fanIn(t, tc.files)}
		if tc.cands {
			in[InputCandidates] = t.TempDir()
		}
		_, err := run(t, map[string]any{"metric": "accuracy"}, in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.files, err, tc.want)
		}
	}
}
