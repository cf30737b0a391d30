package train

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/gomlx/gomlx/pkg/core/dtypes"

	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train/backend"
	"github.com/mlpipe/pipeline/stages/train/checkpoint"
	"github.com/mlpipe/pipeline/stages/train/data"
	"github.com/mlpipe/pipeline/stages/train/engine"
	"github.com/mlpipe/pipeline/stages/train/grad"
	"github.com/mlpipe/pipeline/stages/train/modelfile"
	"github.com/mlpipe/pipeline/stages/train/models"
)

// Run implements stages.Kind.
func (Kind) Run(ctx context.Context, env *stages.Env) (*stages.Result, error) {
	inputs := make([]string, 0, len(env.Inputs))
	for k := range env.Inputs {
		inputs = append(inputs, k)
	}
	o, err := parseOptions(env.Params, inputs, env.WorkDir)
	if err != nil {
		return nil, err
	}
	seed := env.Seed
	s, err := prepare(o, env.Inputs, seed)
	if err != nil {
		return nil, err
	}
	grad.Install()
	b, err := backend.Open(o.Backend)
	if err != nil {
		return nil, err
	}
	dt, ok := computeDTypes[o.DType]
	if !ok {
		return nil, fmt.Errorf("dtype %q: want one of float32, float64, bfloat16, float16", o.DType)
	}
	hyper := engine.DefaultHyper()
	hyper.WeightDecay, hyper.ClipNorm, hyper.GradAccum = o.WeightDecay, o.ClipNorm, o.GradAccum
	net := s.net(dt)

	l := &loop{s: s, env: env, seed: seed,
		ckpt:  &checkpoint.Manager{Dir: filepath.Join(env.ScratchDir, "checkpoints"), KeepLast: o.KeepLast, KeepBest: o.KeepBest},
		order: data.NewOrder(s.train.Len(), seed),
		sched: engine.Schedule{Peak: o.LR, Warmup: o.WarmupSteps, Total: o.Steps, Kind: o.Schedule, MinRatio: 0},
	}
	l.fp = o.fingerprint(seed, s.cfg, fmt.Sprintf("%d/%v", s.train.Len(), s.tokenizer))
	state := &engine.State{Params: s.initial}
	var resumedFrom int64
	if env.ScratchDir != "" {
		c, err := l.ckpt.Latest(l.fp)
		if err != nil {
			return nil, err
		}
		if c != nil {
			if state, err = l.restore(c); err != nil {
				return nil, err
			}
			resumedFrom = c.Meta.Step
			env.Log.Info().Int64("step", resumedFrom).Str("checkpoint", l.ckpt.Dir).Msg("resuming from checkpoint")
		}
	} else {
		l.ckpt = nil
		o.CheckpointEvery = 0
	}
	tr, err := engine.New(b, net, s.specs, s.trainable, hyper, state)
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	l.tr = tr
	if err := l.run(ctx); err != nil {
		return nil, err
	}
	final := tr.State()
	write := writeModel
	if s.pre != nil {
		write = func(dir string, s *setup, st *engine.State) error { return writePretrained(dir, s, st.Params) }
	}
	if err := write(env.OutPath(PortModel), s, final); err != nil {
		return nil, err
	}
	if err := writeHistory(env.OutPath(PortHistory), l.st.History); err != nil {
		return nil, err
	}
	var trainable int64
	for i, sp := range s.specs {
		if s.trainable[i] {
			trainable += int64(sp.Size())
		}
	}
	metrics := map[string]float64{
		"train_loss":        l.st.LastTrainLoss,
		"steps":             float64(final.Step),
		"trainable_params":  float64(trainable),
		"total_params":      float64(models.CountParams(s.specs)),
		"resumed_from_step": float64(resumedFrom),
	}
	metrics["tokens_per_second"], metrics["first_step_seconds"] = l.throughput()
	if l.st.LastVal != nil {
		metrics["val_loss"] = *l.st.LastVal
	}
	return &stages.Result{Metrics: metrics}, nil
}

// computeDTypes maps the dtype parameter to GoMLX dtypes.
var computeDTypes = map[string]dtypes.DType{
	"float32": dtypes.Float32, "float64": dtypes.Float64, "bfloat16": dtypes.BFloat16, "float16": dtypes.Float16,
}

// writeModel writes the model artifact: full weights, or the base weights and
// the adapters of an unmerged LoRA fine-tune.
func writeModel(dir string, s *setup, st *engine.State) error {
	meta := modelfile.Meta{Task: s.opts.Task, Model: s.cfg, Tokenizer: s.tokenizer, DType: s.opts.DType, Base: s.baseRef}
	if s.opts.Task == modelfile.Classification {
		meta.Labels, meta.NumericLabels, meta.LabelColumn = s.labels, s.numeric, s.opts.Label
	}
	base := namedTensors(s.specs[:s.nBase], st.Params[:s.nBase])
	m := &modelfile.Model{Meta: meta, Weights: base}
	if s.opts.LoRA != nil {
		m.Meta.LoRA = s.opts.LoRA
		m.Adapters = namedTensors(s.specs[s.nBase:], st.Params[s.nBase:])
		if s.opts.Merge {
			merged, err := m.Merged()
			if err != nil {
				return fmt.Errorf("merging adapters: %w", err)
			}
			m.Weights, m.Adapters, m.Meta.LoRA = merged, nil, nil
		}
	}
	return modelfile.Save(dir, m)
}
