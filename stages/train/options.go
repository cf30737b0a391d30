package train

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train/backend"
	"github.com/mlpipe/pipeline/stages/train/modelfile"
	"github.com/mlpipe/pipeline/stages/train/models"
)

// Options are a train stage's resolved `with:`, defaults applied.
type Options struct {
	Task            string        `json:"task"`
	Label           string        `json:"label"`
	Model           models.Config `json:"model"`
	DropoutSet      bool          `json:"dropout_set"`
	BatchSize       int           `json:"batch_size"`
	WindowStride    int           `json:"window_stride,omitempty"`
	Steps           int64         `json:"steps"`
	LR              float64       `json:"lr"`
	WarmupSteps     int64         `json:"warmup_steps"`
	Schedule        string        `json:"schedule"`
	WeightDecay     float64       `json:"weight_decay"`
	GradAccum       int           `json:"grad_accum"`
	ClipNorm        float64       `json:"clip_norm"`
	DType           string        `json:"dtype"`
	Backend         string        `json:"backend"`
	EvalEvery       int64         `json:"eval_every"`
	LogEvery        int64         `json:"log_every"`
	CheckpointEvery int64         `json:"checkpoint_every"`
	KeepLast        int           `json:"keep_last"`
	KeepBest        int           `json:"keep_best"`
	EarlyStopping   *EarlyStop    `json:"early_stopping,omitempty"`
	LoRA            *models.LoRA  `json:"lora,omitempty"`
	LoRADropout     float64       `json:"lora_dropout,omitempty"`
	LoRAModules     []string      `json:"lora_modules_to_save,omitempty"`
	Merge           bool          `json:"merge"`
	// From is the Hugging Face model directory to fine-tune (absolute).
	From string `json:"from,omitempty"`
	// Pooling is a pretrained encoder classifier's pooling (cls or mean).
	Pooling string `json:"pooling,omitempty"`
}

// EarlyStop stops a training whose metric stopped improving.
type EarlyStop struct {
	Metric   string  `json:"metric"`
	Patience int     `json:"patience"`
	MinDelta float64 `json:"min_delta"`
}

// parseOptions reads and checks a train stage's parameters. inputs lists the
// wired input ports (nil when unknown).
func parseOptions(raw map[string]any, inputs []string, workDir string) (*Options, error) {
	completed, err := stages.Complete(Kind{}.Schema(), raw)
	if err != nil {
		return nil, fmt.Errorf("reading train parameters: %w", err)
	}
	p := stages.Params(completed)
	m := p.Map("model")
	from := m.String("from")
	if from != "" && !filepath.IsAbs(from) {
		from = filepath.Join(workDir, from)
	}
	o := &Options{
		Label: p.String("label"),
		Model: models.Config{
			Type:    m.String("type", models.BagOfTokens),
			DModel:  int(m.Int("d_model")),
			Hidden:  int(m.Int("hidden")),
			Layers:  int(m.Int("layers")),
			Heads:   int(m.Int("heads")),
			DFF:     int(m.Int("d_ff")),
			SeqLen:  int(m.Int("seq_len")),
			Dropout: m.Float("dropout"),
		},
		BatchSize:       int(p.Int("batch_size")),
		WindowStride:    int(p.Int("window_stride")),
		Steps:           p.Int("steps"),
		LR:              p.Float("lr"),
		WarmupSteps:     p.Int("warmup_steps"),
		Schedule:        p.String("schedule"),
		WeightDecay:     p.Float("weight_decay"),
		GradAccum:       int(p.Int("grad_accum")),
		ClipNorm:        p.Float("clip_norm"),
		DType:           p.String("dtype"),
		Backend:         p.String("backend"),
		EvalEvery:       p.Int("eval_every"),
		LogEvery:        p.Int("log_every"),
		CheckpointEvery: p.Int("checkpoint_every"),
		KeepLast:        int(p.Int("keep_last")),
		KeepBest:        int(p.Int("keep_best")),
		Merge:           p.Bool("merge"),
		From:            from,
		Pooling:         m.String("pooling"),
	}
	_, typeSet := m["type"]
	if !typeSet && from == "" && slices.Contains(inputs, InputBase) {
		o.Model.Type = "" // inherited from the base model when it is loaded
	}
	if from != "" {
		if _, ok := m["type"]; ok {
			return nil, fmt.Errorf("model.from and model.type: a pretrained model's architecture comes from its config.json; drop model.type")
		}
		o.Model.Type = ""
	}
	if _, ok := m["dropout"]; ok {
		o.DropoutSet = true
	} else if o.Model.Type != models.BagOfTokens {
		o.Model.Dropout = 0.1
	}
	if from != "" {
		if err := o.checkPretrained(p); err != nil {
			return nil, err
		}
	} else if err := o.checkOwnModel(p); err != nil {
		return nil, err
	}
	if es := p.Map("early_stopping"); es != nil {
		o.EarlyStopping = &EarlyStop{Metric: es.String("metric"), Patience: int(es.Int("patience")), MinDelta: es.Float("min_delta")}
		if o.EarlyStopping.Metric != "val_loss" {
			return nil, fmt.Errorf("early_stopping.metric %q: only val_loss is supported", o.EarlyStopping.Metric)
		}
	}
	if l := p.Map("lora"); l != nil {
		o.LoRA = &models.LoRA{Rank: int(l.Int("rank")), Targets: l.Strings("targets")}
		o.LoRA.Alpha = l.Float("alpha", float64(2*o.LoRA.Rank))
		o.LoRADropout = l.Float("dropout")
		if o.LoRADropout > 0 && o.From == "" {
			return nil, fmt.Errorf("lora.dropout applies to a pretrained model (model.from)")
		}
		o.LoRAModules = l.Strings("modules_to_save")
		if len(o.LoRAModules) > 0 && o.From == "" {
			return nil, fmt.Errorf("lora.modules_to_save applies to a pretrained model (model.from)")
		}
	}
	if o.Schedule != "cosine" && o.Schedule != "constant" {
		return nil, fmt.Errorf("schedule %q: want cosine or constant", o.Schedule)
	}
	if err := backend.Check(o.Backend, o.DType); err != nil {
		return nil, err
	}
	if inputs != nil {
		has := func(n string) bool { return slices.Contains(inputs, n) }
		if o.LoRA != nil && !has(InputBase) && o.From == "" {
			return nil, fmt.Errorf("lora needs a model to fine-tune: a `base` input or model.from")
		}
		if o.Merge && o.LoRA == nil {
			return nil, fmt.Errorf("merge: true needs lora")
		}
		if o.EarlyStopping != nil && !has(InputVal) {
			return nil, fmt.Errorf("early_stopping needs a `val` input")
		}
	}
	if o.Model.Type != models.BagOfTokens && o.Model.DModel > 0 && o.Model.Heads > 0 && o.Model.DModel%o.Model.Heads != 0 {
		return nil, fmt.Errorf("model.d_model = %d is not divisible by model.heads = %d", o.Model.DModel, o.Model.Heads)
	}
	return o, nil
}

// fingerprint identifies a training: the options, seed and data sizes. A
// checkpoint is resumed only by a training with the same fingerprint.
func (o *Options) fingerprint(seed int64, cfg models.Config, dataID string) string {
	b, _ := json.Marshal(struct {
		O    *Options
		Seed int64
		Cfg  models.Config
		Data string
	}{o, seed, cfg, dataID})
	return fmt.Sprintf("%x", digest(b))
}

// checkOwnModel resolves the task of one of the engine's own architectures.
func (o *Options) checkOwnModel(p stages.Params) error {
	if o.Pooling != "" {
		return fmt.Errorf("model.pooling applies to a pretrained encoder (model.from)")
	}
	o.Task = p.String("task")
	if o.Model.Type == "" { // inherited from the base input
		if o.Task != "" && o.Task != modelfile.Classification && o.Task != modelfile.LanguageModeling {
			return fmt.Errorf("task %q: want classification or language_modeling", o.Task)
		}
		return nil
	}
	if !slices.Contains(models.Types, o.Model.Type) {
		return fmt.Errorf("model.type %q: want one of %v", o.Model.Type, models.Types)
	}
	if o.Task == "" {
		o.Task = modelfile.Classification
		if o.Model.Type == models.TransformerLM {
			o.Task = modelfile.LanguageModeling
		}
	}
	switch {
	case o.Task == modelfile.LanguageModeling && o.Model.Type != models.TransformerLM:
		return fmt.Errorf("task language_modeling needs model.type transformer_lm, not %s", o.Model.Type)
	case o.Task == modelfile.Classification && o.Model.Type == models.TransformerLM:
		return fmt.Errorf("task classification needs model.type bag_of_tokens or transformer_classifier, not transformer_lm")
	case o.Task != modelfile.Classification && o.Task != modelfile.LanguageModeling:
		return fmt.Errorf("task %q: want classification or language_modeling", o.Task)
	}
	return nil
}
