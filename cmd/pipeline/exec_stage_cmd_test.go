package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/artifacts/remote"
	"github.com/mlpipe/pipeline/internal/testutil/graphtest"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/distributed"
)

// storeSpec uploads the definition's bundle to a file:// remote and stores
// the spec of its first stage under key, or under the stage's real key
// when key is empty. It returns the key used.
func storeSpec(t *testing.T, def, remoteURL, key string) string {
	t.Helper()
	ctx := context.Background()
	rs, err := remote.Open(ctx, remoteURL)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	g := graphtest.MustCompile(t, def)
	ws, err := runtime.OpenWorkspace(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b, err := distributed.MakeBundle(g, ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := distributed.PushBundle(ctx, g, ws, rs, b)
	if err != nil {
		t.Fatal(err)
	}
	spec := &distributed.StageSpec{Bundle: bundle, Stage: g.Nodes[0].Name, Upstream: map[string]map[string]artifacts.Output{}}
	_, real, err := runtime.RemoteHit(ctx, g, ws, spec.Stage, spec.Upstream, rs)
	if err != nil {
		t.Fatal(err)
	}
	if key == "" {
		key = real
	}
	if err := rs.PutSpec(ctx, key, spec.Encode()); err != nil {
		t.Fatal(err)
	}
	return key
}

func TestExecStageRunsTheStageItsKeyNames(t *testing.T) {
	def := writeDef(t, okDef)
	remoteURL := "file://" + t.TempDir()
	key := storeSpec(t, def, remoteURL, "")
	ws := t.TempDir()
	result := filepath.Join(t.TempDir(), "outcome.json")
	code, out, errs := cli(t, "exec-stage", key, "--remote", remoteURL, "--workspace", ws, "--result", result)
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	raw, err := os.ReadFile(result)
	if err != nil {
		t.Fatal(err)
	}
	var o distributed.StageOutcome
	if err := json.Unmarshal(raw, &o); err != nil {
		t.Fatal(err)
	}
	if o.Name != "gen" || o.Status != runtime.StatusRan || o.Key != key || o.Outputs["rows"].Digest == "" {
		t.Fatalf("outcome %+v", o)
	}
	// Executed again elsewhere: a hit from the remote, printed on stdout.
	code, out, errs = cli(t, "exec-stage", key, "--remote", remoteURL, "--workspace", t.TempDir())
	if code != 0 || !strings.Contains(out, `"status":"cached"`) {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
}

func TestExecStageRefusesAKeyItDoesNotCompute(t *testing.T) {
	def := writeDef(t, okDef)
	remoteURL := "file://" + t.TempDir()
	wrong := "xxh3:" + strings.Repeat("ab", 16)
	storeSpec(t, def, remoteURL, wrong)
	ws := t.TempDir()
	code, out, errs := cli(t, "exec-stage", wrong, "--remote", remoteURL, "--workspace", ws)
	if code != 1 || !strings.Contains(errs, "this binary or its stage kinds differ") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	// Refused before running anything.
	if runs, _ := filepath.Glob(filepath.Join(ws, "objects", "*", "*")); len(runs) != 2 {
		t.Errorf("the workspace holds %d objects, want the bundle and the definition only: %v", len(runs), runs)
	}
}
