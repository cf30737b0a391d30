package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil"
)

// TestPretrainedDefinitionPlans keeps definitions/pretrained.yaml valid
// without the MiniLM weights: pointed at a committed tiny BERT (64 positions) every stage
// plans, and a model_dir that is not a model directory is a definition error
// naming the stage's line and the missing config.json.
func TestPretrainedDefinitionPlans(t *testing.T) {
	ws := t.TempDir()
	bert := testutil.Fixture(t, "hf/tiny-bert")
	code, out, errs := cli(t, "status", "../../definitions/pretrained.yaml", "--workspace", ws, "--set", "model_dir="+bert, "--set", "seq_len=64")
	if code != 0 || !strings.Contains(out, "6 of 6 stages would run") {
		t.Fatalf("status: exit %d\n%s\n%s", code, out, errs)
	}
	missing := filepath.Join(t.TempDir(), "nowhere")
	code, _, errs = cli(t, "status", "../../definitions/pretrained.yaml", "--workspace", ws, "--set", "model_dir="+missing)
	if code != 2 || !strings.Contains(errs, "pretrained.yaml:") || !strings.Contains(errs, missing+" is not a Hugging Face model directory: it has no config.json") {
		t.Errorf("missing model_dir: exit %d\n%s", code, errs)
	}
}
