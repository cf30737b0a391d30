package train

import (
	"context"
	"reflect"
	"testing"

	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train/modelfile"
)

func TestLoRAFineTune(t *testing.T) {
	inputs := classInputs(t)
	baseParams := map[string]any{"model": map[string]any{"type": "transformer_classifier", "d_model": int64(16), "layers": int64(1), "heads": int64(2)},
		"batch_size": int64(8), "steps": int64(6), "lr": 0.01}
	baseEnv := newEnv(t, baseParams, inputs, "")
	if _, err := (Kind{}).Run(context.Background(), baseEnv); err != nil {
		t.Fatal(err)
	}
	base, err := modelfile.Load(baseEnv.OutPath(PortModel))
	if err != nil {
		t.Fatal(err)
	}
	ftInputs := map[string]string{InputTrain: inputs[InputTrain], InputBase: baseEnv.OutPath(PortModel)}
	for _, merge := range []bool{false, true} {
		params := map[string]any{"model": map[string]any{"type": "transformer_classifier"}, "batch_size": int64(8), "steps": int64(6), "lr": 0.05,
			"lora": map[string]any{"rank": int64(2), "targets": []any{"attn.q", "attn.v", "head"}}, "merge": merge}
		env := newEnv(t, params, ftInputs, "")
		res, err := Kind{}.Run(context.Background(), env)
		if err != nil {
			t.Fatal(err)
		}
		// Adapters: q and v are 16x16 (2·(16+16)·... ) and the head 16x2, rank 2.
		wantTrainable := float64(2*(16*2+2*16) + (16*2 + 2*2))
		if res.Metrics["trainable_params"] != wantTrainable {
			t.Errorf("merge=%v: trainable_params = %v, want %v", merge, res.Metrics["trainable_params"], wantTrainable)
		}
		if res.Metrics["total_params"] != float64(base.Meta.Params)+wantTrainable {
			t.Errorf("merge=%v: total_params = %v, want %v", merge, res.Metrics["total_params"], float64(base.Meta.Params)+wantTrainable)
		}
		m, err := modelfile.Load(env.OutPath(PortModel))
		if err != nil {
			t.Fatal(err)
		}
		if m.Meta.Base == nil || m.Meta.Base.WeightsSHA256 == "" {
			t.Errorf("merge=%v: no base reference in %+v", merge, m.Meta)
		}
		same := reflect.DeepEqual(m.Weights, base.Weights)
		if merge {
			if m.Meta.LoRA != nil || m.Adapters != nil || same {
				t.Errorf("merged model: lora %v, %d adapters, weights equal to the base: %v", m.Meta.LoRA, len(m.Adapters), same)
			}
		} else if m.Meta.LoRA == nil || len(m.Adapters) != 6 || !same {
			t.Errorf("unmerged model: lora %v, %d adapters, base weights kept bit-identical: %v", m.Meta.LoRA, len(m.Adapters), same)
		}
	}
}

// TestLoRAInheritsTheBaseArchitecture: a LoRA stage on a base input without a
// model block fine-tunes the base's architecture and task.
func TestLoRAInheritsTheBaseArchitecture(t *testing.T) {
	inputs := classInputs(t)
	baseEnv := newEnv(t, map[string]any{"model": map[string]any{"type": "transformer_classifier", "d_model": int64(16), "layers": int64(1), "heads": int64(2)},
		"batch_size": int64(8), "steps": int64(2)}, inputs, "")
	if _, err := (Kind{}).Run(context.Background(), baseEnv); err != nil {
		t.Fatal(err)
	}
	params := map[string]any{"steps": int64(2), "batch_size": int64(8), "lora": map[string]any{"rank": int64(2)}}
	ftInputs := map[string]string{InputTrain: inputs[InputTrain], InputBase: baseEnv.OutPath(PortModel)}
	if _, err := (Kind{}).Plan(stagesPlanRequest(params, ftInputs)); err != nil {
		t.Fatalf("plan: %v", err)
	}
	env := newEnv(t, params, ftInputs, "")
	if _, err := (Kind{}).Run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	m, err := modelfile.Load(env.OutPath(PortModel))
	if err != nil {
		t.Fatal(err)
	}
	if m.Meta.Model.Type != "transformer_classifier" || m.Meta.Task != modelfile.Classification || m.Meta.LoRA == nil {
		t.Errorf("fine-tune of a transformer_classifier: type %s, task %s, lora %v", m.Meta.Model.Type, m.Meta.Task, m.Meta.LoRA)
	}
}

func stagesPlanRequest(params map[string]any, inputs map[string]string) stages.PlanRequest {
	var ports []string
	for p := range inputs {
		ports = append(ports, p)
	}
	return stages.PlanRequest{Stage: "ft", Params: params, Inputs: ports}
}
