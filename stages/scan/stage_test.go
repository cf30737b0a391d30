package scan

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/internal/testutil/tabletest"
	"github.com/mlpipe/pipeline/stages"
)

func TestPlan(t *testing.T) {
	tests := []struct {
		name    string
		params  map[string]any
		inputs  []string
		sources []string
		err     string
	}{
		{"inputs", map[string]any{"fail_on_findings": true}, []string{"data"}, nil, ""},
		{"paths", map[string]any{"paths": []any{"data", "conf/app.env"}}, nil, []string{"data", "conf/app.env"}, ""},
		{"nothing", map[string]any{}, nil, nil, "needs inputs or with.paths"},
		{"input named findings", map[string]any{}, []string{"findings"}, nil, "may not be named `findings`"},
		{"bad config", map[string]any{"paths": []any{"x"}, "config": "absent.yaml"}, nil, nil, "usage error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Kind{}.Plan(stages.PlanRequest{Stage: "secrets", Params: tc.params, Inputs: tc.inputs, WorkDir: t.TempDir()})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, want an error with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(p.Outputs, ",") != strings.Join(append([]string{"findings"}, tc.inputs...), ",") || strings.Join(p.Sources, ",") != strings.Join(tc.sources, ",") {
				t.Fatalf("plan %+v", p)
			}
			for _, in := range tc.inputs {
				if p.PassThrough[in] != in {
					t.Fatalf("input %s does not pass through: %v", in, p.PassThrough)
				}
			}
		})
	}
}

// TestRun runs the stage on the fixture as paths, with and without the gate,
// and checks the findings table, the metrics and the error.
func TestRun(t *testing.T) {
	dir, secrets := fixture(t)
	for _, gate := range []bool{true, false} {
		out, scratch := t.TempDir(), t.TempDir()
		env := &stages.Env{
			Stage: "secrets", OutDir: out, ScratchDir: scratch, WorkDir: dir,
			Params: map[string]any{"paths": []any{"."}, "fail_on_findings": gate},
			Log:    zerolog.Nop(), Output: io.Discard, Progress: stages.NopProgress{},
		}
		res, err := Kind{}.Run(context.Background(), env)
		table := filepath.Join(out, "findings")
		if gate {
			var fe *FindingsError
			var kept stages.OutputsKept
			if !errors.As(err, &fe) || fe.N != 5 || !errors.As(err, &kept) || strings.Join(kept.KeptOutputs(), ",") != "findings" {
				t.Fatalf("gate: got %v", err)
			}
			for _, s := range secrets {
				if strings.Contains(err.Error(), s) {
					t.Fatal("error shows a secret")
				}
			}
		} else {
			if err != nil {
				t.Fatal(err)
			}
			if res.Metrics["findings"] != 5 || res.Metrics["bytes_scanned"] == 0 {
				t.Fatalf("metrics %v", res.Metrics)
			}
		}
		if n := countRows(t, table); n != 5 {
			t.Fatalf("table %s has %d rows, want 5", table, n)
		}
	}
}

// TestRunTableInput scans a Parquet input port.
func TestRunTableInput(t *testing.T) {
	dir, _ := fixture(t)
	in := filepath.Join(t.TempDir(), "in")
	// Reuse the stage's own output as an input table: scan the fixture, then
	// scan its findings table (previews and digests only: nothing to find).
	env := &stages.Env{Stage: "s", OutDir: t.TempDir(), ScratchDir: t.TempDir(), WorkDir: dir,
		Params: map[string]any{"paths": []any{"."}, "fail_on_findings": false},
		Log:    zerolog.Nop(), Output: io.Discard, Progress: stages.NopProgress{}}
	if _, err := (Kind{}).Run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(env.OutPath("findings"), in); err != nil {
		t.Fatal(err)
	}
	env2 := &stages.Env{Stage: "s2", Inputs: map[string]string{"data": in}, OutDir: t.TempDir(), ScratchDir: t.TempDir(), WorkDir: dir,
		Params: map[string]any{"fail_on_findings": true},
		Log:    zerolog.Nop(), Output: io.Discard, Progress: stages.NopProgress{}}
	res, err := (Kind{}).Run(context.Background(), env2)
	if err != nil {
		t.Fatalf("scanning a findings table found something: %v", err)
	}
	if res.Metrics["files_scanned"] != 1 || res.Metrics["bytes_scanned"] == 0 {
		t.Fatalf("metrics %v", res.Metrics)
	}
}

func countRows(t *testing.T, path string) int64 {
	t.Helper()
	var n int64
	tabletest.Each(t, path, func(rec arrow.RecordBatch) {
		if _, ok := rec.Column(6).(*array.String); !ok {
			t.Fatalf("secret_sha256 column is %T", rec.Column(6))
		}
		n += rec.NumRows()
	})
	return n
}
