package exec

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadStepsBounds(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "steps.jsonl")
	long := `{"loss": 1, "pad": "` + strings.Repeat("x", MaxStepLine) + `"}`
	for body, want := range map[string]string{
		"{\"step\": 1.5, \"loss\": 1}\n":  "line 1: `step` is 1.5; it must be a whole number from 0",
		"{\"loss\": 1}\n[1, 2]\n":         "line 2: expected a JSON object of numbers",
		"{\"loss\": 1}\n" + long + "\n":   "line 2 is longer than",
		"{\"loss\": 1e999}\n":             "line 1: metric `loss` is 1e999, out of a float64's range",
		"{\"loss\": {\"a\": 1}}\n":        "line 1: metric `loss` is an object, not a number",
		"\n\n{\"loss\": null}\n":          "line 3: metric `loss` is null, not a number",
		"{\"step\": -1, \"loss\": 0.5}\n": "line 1: `step` is -1",
	} {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := readSteps(p); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.40q: got %v, want %q", body, err, want)
		}
	}
}

func TestStepLogLast(t *testing.T) {
	lg := &stepLog{values: map[string][]float64{}, set: map[string][]bool{}}
	for _, l := range []string{`{"a": 1, "b": 2}`, `{"a": 3}`, `{"c": 4}`} {
		if err := lg.add([]byte(l)); err != nil {
			t.Fatal(err)
		}
	}
	last := lg.last()
	if last["a"] != 3 || last["b"] != 2 || last["c"] != 4 || len(last) != 3 {
		t.Errorf("last %v", last)
	}
	if lg.steps[2] != 2 || lg.set["c"][0] || !lg.set["c"][2] {
		t.Errorf("steps %v set %v", lg.steps, lg.set)
	}
}

func FuzzStepRecord(f *testing.F) {
	f.Add([]byte(`{"step": 3, "loss": 0.5, "acc": 1}`))
	f.Add([]byte(`{"loss": "x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		lg := &stepLog{values: map[string][]float64{}, set: map[string][]bool{}}
		if err := lg.add(b); err == nil {
			for _, k := range lg.names {
				if len(lg.values[k]) != 1 || math.IsInf(lg.values[k][0], 0) {
					t.Fatalf("metric %s: %v", k, lg.values[k])
				}
			}
		}
		if m, err := decodeNumbers(b); err == nil && len(m) > MaxMetrics {
			t.Fatalf("%d metrics kept", len(m))
		}
	})
}
