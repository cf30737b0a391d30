package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/stages"
)

func TestPlan(t *testing.T) {
	work := t.TempDir()
	for _, f := range []string{"a.jsonl", "b.jsonl", "sub/c.jsonl", "x.csv"} {
		p := filepath.Join(work, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("{}\n"), 0o644)
	}
	cases := []struct {
		name    string
		params  map[string]any
		outputs string
		sources string
		wantErr string
	}{
		{"file", map[string]any{"path": "a.jsonl"}, "data", "a.jsonl", ""},
		{"glob skip", map[string]any{"path": "*.jsonl", "on_error": "skip"}, "data,rejected", "a.jsonl,b.jsonl", ""},
		{"dir", map[string]any{"path": ".", "format": "jsonl"}, "data", "a.jsonl,b.jsonl,sub/c.jsonl,x.csv", ""},
		{"bad format", map[string]any{"path": "a.jsonl", "format": "xml"}, "", "", `with.format: must be one of jsonl, csv, tsv, parquet, text, got "xml"`},
		{"bad on_error", map[string]any{"path": "a.jsonl", "on_error": "ignore"}, "", "", `with.on_error: must be one of fail, skip, got "ignore"`},
		{"per_file csv", map[string]any{"path": "x.csv", "per_file": true}, "", "", "only for format text"},
		{"bad column type", map[string]any{"path": "a.jsonl", "columns": map[string]any{"a": "date"}}, "", "", `with.columns.a: unknown type "date"`},
		{"bad delimiter", map[string]any{"path": "x.csv", "delimiter": "ab"}, "", "", "with.delimiter"},
		{"no path", map[string]any{}, "", "", "with.path: required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := Kind{}.Plan(stages.PlanRequest{Stage: "in", Params: tc.params, WorkDir: work})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(plan.Outputs, ","); got != tc.outputs {
				t.Errorf("outputs = %s, want %s", got, tc.outputs)
			}
			var rel []string
			for _, s := range plan.Sources {
				r, _ := filepath.Rel(work, s)
				rel = append(rel, filepath.ToSlash(r))
			}
			if got := strings.Join(rel, ","); got != tc.sources {
				t.Errorf("sources = %s, want %s", got, tc.sources)
			}
		})
	}
	if left, _ := os.ReadDir(work); len(left) != 4 {
		t.Errorf("Plan wrote into the work dir: %v", left)
	}
}
