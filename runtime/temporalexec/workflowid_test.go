package temporalexec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/internal/testutil/graphtest"
	"github.com/mlpipe/pipeline/pipeline"
	_ "github.com/mlpipe/pipeline/stages/exec"
)

func compile(t *testing.T, src string) *pipeline.Graph {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return graphtest.MustCompile(t, path)
}

const twoStages = `version: 1
name: ids
stages:
  a: {kind: exec, with: {cmd: "echo a > $PIPELINE_OUT/x", outputs: [x]}}
  b: {kind: exec, inputs: {x: a.x}, resources: {gpu: 1}, with: {cmd: "cat $PIPELINE_IN_X > $PIPELINE_OUT/y", outputs: [y]}}
`

func TestWorkflowIDFollowsTheFirstStagesOnly(t *testing.T) {
	g := compile(t, twoStages)
	bundle := artifacts.Tree{Digest: artifacts.HashBytes([]byte("bundle")), Size: 10, Files: 1}
	id := WorkflowID(g, bundle, map[string]string{"a": "xxh3:aa"})
	if !strings.HasPrefix(id, "pipeline/ids/") {
		t.Fatalf("id %s", id)
	}
	// Relaunched after b's key became known: the same workflow.
	if again := WorkflowID(g, bundle, map[string]string{"a": "xxh3:aa", "b": "xxh3:bb"}); again != id {
		t.Errorf("knowing more keys changed the id: %s vs %s", again, id)
	}
	if other := WorkflowID(g, bundle, map[string]string{"a": "xxh3:a2"}); other == id {
		t.Error("another first-stage key gave the same id")
	}
	if other := WorkflowID(g, artifacts.Tree{Digest: artifacts.HashBytes([]byte("other"))}, map[string]string{"a": "xxh3:aa"}); other == id {
		t.Error("another bundle gave the same id")
	}
}

func TestPlanRoutesGPUStages(t *testing.T) {
	plan := Plan(compile(t, twoStages))
	if len(plan) != 2 || plan[0].Queue != CPUQueue || plan[1].Queue != GPUQueue || strings.Join(plan[1].Upstream, ",") != "a" {
		t.Fatalf("plan = %+v", plan)
	}
}
