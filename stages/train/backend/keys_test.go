package backend_test

import (
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/stages/eval"
	"github.com/mlpipe/pipeline/stages/predict"
	"github.com/mlpipe/pipeline/stages/train"
	"github.com/mlpipe/pipeline/stages/train/backend"
	"github.com/mlpipe/pipeline/stages/train/backend/gemm"
)

// TestGoMLXKindsKeyTheirKernels: every kind that computes with GoMLX names
// in its key the GoMLX release and the matrix-multiply kernels SimpleGo runs,
// so a stage computed with other kernels is not served as the same.
func TestGoMLXKindsKeyTheirKernels(t *testing.T) {
	want := "simplego"
	if gemm.Available() {
		want = "gemm/"
	}
	if got := backend.DotKernels(); !strings.HasPrefix(got, want) {
		t.Fatalf("DotKernels() = %q, want it to start with %q", got, want)
	}
	kinds := map[string]interface{ Implementations() map[string]string }{
		"train": train.Kind{}, "eval": eval.Kind{}, "predict": predict.Kind{},
	}
	for name, k := range kinds {
		impl := k.Implementations()
		if impl["gomlx"] != backend.GoMLXVersion || impl["simplego_dot"] != backend.DotKernels() {
			t.Errorf("%s: implementations %v, want gomlx %s and simplego_dot %s", name, impl, backend.GoMLXVersion, backend.DotKernels())
		}
	}
}
