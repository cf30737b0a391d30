package train

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/stages"
)

func TestPlan(t *testing.T) {
	train := []string{InputTrain}
	tests := []struct {
		name    string
		params  map[string]any
		inputs  []string
		wantErr string // "" for success
	}{
		{name: "defaults", params: map[string]any{}, inputs: train},
		{name: "lm", params: map[string]any{"model": map[string]any{"type": "transformer_lm"}}, inputs: train},
		{name: "float16 on go", params: map[string]any{"dtype": "float16"}, inputs: train,
			wantErr: `backend "go" cannot train in dtype "float16": it supports float32, float64, bfloat16`},
		{name: "xla not compiled in", params: map[string]any{"backend": "xla:cuda"}, inputs: train, wantErr: "-tags xla"},
		{name: "unknown backend", params: map[string]any{"backend": "tpu"}, inputs: train, wantErr: `unknown backend "tpu"`},
		{name: "lm task with classifier", params: map[string]any{"task": "language_modeling"}, inputs: train,
			wantErr: "needs model.type transformer_lm"},
		{name: "classification with lm", params: map[string]any{"task": "classification", "model": map[string]any{"type": "transformer_lm"}},
			inputs: train, wantErr: "needs model.type bag_of_tokens or transformer_classifier"},
		{name: "lora without base", params: map[string]any{"lora": map[string]any{"rank": int64(4)}}, inputs: train,
			wantErr: "lora needs a model to fine-tune: a `base` input or model.from"},
		{name: "lora with base", params: map[string]any{"lora": map[string]any{"rank": int64(4)}, "merge": true},
			inputs: []string{InputTrain, InputBase}},
		{name: "merge without lora", params: map[string]any{"merge": true}, inputs: train, wantErr: "merge: true needs lora"},
		{name: "early stopping without val", params: map[string]any{"early_stopping": map[string]any{"patience": int64(2)}},
			inputs: train, wantErr: "early_stopping needs a `val` input"},
		{name: "zero patience", params: map[string]any{"early_stopping": map[string]any{"patience": int64(0)}},
			inputs: []string{InputTrain, InputVal}, wantErr: "with.early_stopping.patience: must be at least 1, got 0"},
		{name: "heads do not divide", params: map[string]any{"model": map[string]any{"type": "transformer_lm", "d_model": int64(30), "heads": int64(4)}},
			inputs: train, wantErr: "not divisible"},
		{name: "negative steps", params: map[string]any{"steps": int64(-1)}, inputs: train, wantErr: "with.steps: must be at least 1, got -1"},
		{name: "zero lr", params: map[string]any{"lr": 0.0}, inputs: train, wantErr: "with.lr: must be above 0, got 0"},
		{name: "dropout 1", params: map[string]any{"model": map[string]any{"dropout": 1.0}}, inputs: train, wantErr: "model.dropout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := Kind{}.Plan(stages.PlanRequest{Stage: "s", Params: tc.params, Inputs: tc.inputs})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Plan: %v", err)
				}
				if !plan.Exclusive || strings.Join(plan.Outputs, ",") != "model,history" {
					t.Fatalf("plan %+v", plan)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Plan error = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestRegistered(t *testing.T) {
	k, ok := stages.Lookup("train")
	if !ok {
		t.Fatal("kind train is not registered")
	}
	s := k.Schema()
	for _, name := range []string{"task", "label", "model", "batch_size", "steps", "lr", "warmup_steps", "schedule", "weight_decay",
		"grad_accum", "clip_norm", "seed", "dtype", "backend", "eval_every", "checkpoint_every", "keep_last", "keep_best",
		"early_stopping", "lora", "merge"} {
		if s.Lookup(name) == nil {
			t.Errorf("schema lacks parameter %s", name)
		}
	}
}

func TestModelDefaultsByType(t *testing.T) {
	tests := []struct {
		typ  string
		want map[string]any
	}{
		{"bag_of_tokens", map[string]any{"type": "bag_of_tokens", "d_model": int64(64), "dropout": 0.0}},
		{"transformer_classifier", map[string]any{"type": "transformer_classifier", "d_model": int64(64), "layers": int64(2), "heads": int64(2), "dropout": 0.1}},
		{"transformer_lm", map[string]any{"type": "transformer_lm", "d_model": int64(64), "layers": int64(2), "heads": int64(2), "seq_len": int64(64), "dropout": 0.1}},
	}
	for _, tc := range tests {
		got, err := stages.Complete(Kind{}.Schema(), map[string]any{"model": map[string]any{"type": tc.typ}})
		if err != nil {
			t.Fatalf("%s: %v", tc.typ, err)
		}
		if m := got["model"]; !reflect.DeepEqual(m, tc.want) {
			t.Errorf("%s: model = %v, want %v", tc.typ, m, tc.want)
		}
		o, err := parseOptions(got, []string{InputTrain}, "")
		if err != nil {
			t.Fatalf("%s: parseOptions: %v", tc.typ, err)
		}
		if o.LR != 3e-3 || o.Steps != 300 || o.Backend != "go" {
			t.Errorf("%s: options %+v lack the schema defaults", tc.typ, o)
		}
	}
}
