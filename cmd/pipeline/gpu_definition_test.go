package main

import (
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/stages/train/backend"
)

// TestGPUDefinitionPlans keeps definitions/gpu-lm.yaml valid where no GPU is:
// with backend=go every stage plans, and its default backend (xla:cuda) is a
// usage error that says how to build with XLA, naming the stage's line.
func TestGPUDefinitionPlans(t *testing.T) {
	ws := t.TempDir()
	code, out, errs := cli(t, "status", "../../definitions/gpu-lm.yaml", "--workspace", ws, "--set", "backend=go")
	if code != 0 {
		t.Fatalf("status with backend=go: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "5 of 5 stages would run") {
		t.Errorf("status output does not plan all five stages:\n%s", out)
	}
	if backend.XLACompiled {
		return
	}
	code, _, errs = cli(t, "status", "../../definitions/gpu-lm.yaml", "--workspace", ws)
	if code != 2 || !strings.Contains(errs, "gpu-lm.yaml:35:") || !strings.Contains(errs, "-tags xla") {
		t.Errorf("status with the default backend: exit %d, want 2 and an error at gpu-lm.yaml:35 saying how to build with XLA:\n%s", code, errs)
	}
}
