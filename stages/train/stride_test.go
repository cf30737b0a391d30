package train

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestWindowStride trains a language model on overlapping windows: the
// stride reaches the training items (the model differs from one trained on
// windows that do not overlap), and a stride that cannot apply is an error
// naming the field.
func TestWindowStride(t *testing.T) {
	lm := filepath.Join(t.TempDir(), "lm.parquet")
	writeLMTable(t, lm, 8)
	params := func(stride int64) map[string]any {
		p := map[string]any{"model": map[string]any{"type": "transformer_lm", "d_model": int64(8), "layers": int64(1), "heads": int64(1), "seq_len": int64(6)},
			"steps": int64(3), "batch_size": int64(2), "checkpoint_every": int64(0), "eval_every": int64(0)}
		if stride > 0 {
			p["window_stride"] = stride
		}
		return p
	}
	train := func(stride int64) (string, error) {
		env := newEnv(t, params(stride), map[string]string{InputTrain: lm}, "")
		if _, err := (Kind{}).Run(context.Background(), env); err != nil {
			return "", err
		}
		return dirDigest(t, env.OutPath(PortModel)), nil
	}
	plain, err := train(0)
	if err != nil {
		t.Fatal(err)
	}
	if same, err := train(6); err != nil || same != plain {
		t.Fatalf("stride = seq_len: %v, model same as without a stride: %v", err, same == plain)
	}
	if strided, err := train(2); err != nil || strided == plain {
		t.Fatalf("stride 2: %v, model differs from non-overlapping windows: %v", err, strided != plain)
	}
	if _, err := train(7); err == nil || !strings.Contains(err.Error(), "window_stride: 7 is more than seq_len 6") {
		t.Errorf("stride over seq_len: %v", err)
	}
	classes := filepath.Join(t.TempDir(), "classes.parquet")
	writeClassTable(t, classes, 8, 1)
	env := newEnv(t, map[string]any{"window_stride": int64(2), "steps": int64(1), "checkpoint_every": int64(0)}, map[string]string{InputTrain: classes}, "")
	if _, err := (Kind{}).Run(context.Background(), env); err == nil || !strings.Contains(err.Error(), "window_stride: applies to language_modeling") {
		t.Errorf("stride on a classifier: %v", err)
	}
}
