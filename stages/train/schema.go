package train

import (
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train/models"
)

// Schema implements stages.Kind.
func (Kind) Schema() stages.Schema {
	return stages.Schema{
		Outputs:        PortModel + ", " + PortHistory,
		Inputs:         []string{InputTrain, InputVal, InputBase},
		RequiredInputs: []string{InputTrain},
		Params: []stages.Param{
			{Name: "task", Type: stages.String, Enum: []string{"classification", "language_modeling"},
				Doc: "what to learn (default: language_modeling for transformer_lm, classification otherwise)"},
			{Name: "label", Type: stages.String, Default: "label", Doc: "label column (classification)"},
			{Name: "model", Type: stages.Map, Default: map[string]any{}, Doc: "architecture", Fields: []stages.Param{
				{Name: "type", Type: stages.String, Enum: models.Types, Doc: "model type (default bag_of_tokens; not with from)"},
				{Name: "from", Type: stages.String, Doc: "Hugging Face model directory to fine-tune (config.json, *.safetensors, tokenizer.json): bert, roberta, distilbert, gpt2, llama"},
				{Name: "pooling", Type: stages.String, Enum: []string{"cls", "mean"}, Doc: "pretrained encoder classifier: cls (the family's own head, default) or mean"},
				{Name: "d_model", Type: stages.Int, Min: stages.Num(1), DefaultBy: byType(64, 64, 64), Doc: "embedding width (default 64)"},
				{Name: "hidden", Type: stages.Int, Min: stages.Num(1), Doc: "bag_of_tokens hidden width (default d_model)"},
				{Name: "layers", Type: stages.Int, Min: stages.Num(1), DefaultBy: byType(nil, 2, 2), Doc: "transformer blocks (default 2)"},
				{Name: "heads", Type: stages.Int, Min: stages.Num(1), DefaultBy: byType(nil, 2, 2), Doc: "attention heads (default 2)"},
				{Name: "d_ff", Type: stages.Int, Min: stages.Num(1), Doc: "feed-forward width (default 4·d_model)"},
				{Name: "seq_len", Type: stages.Int, Min: stages.Num(1), DefaultBy: byType(nil, nil, 64), Doc: "tokens per row or window (default: longest training row, at most 512, for classifiers; 64 for transformer_lm)"},
				{Name: "dropout", Type: stages.Float, Min: stages.Num(0), Max: stages.Num(1), MaxExclusive: true, DefaultBy: byType(0.0, 0.1, 0.1),
					Doc: "dropout probability (default 0.1 for transformers, 0 for bag_of_tokens)"},
			}},
			{Name: "batch_size", Type: stages.Int, Default: int64(32), Min: stages.Num(1), Doc: "rows (or windows) per micro-batch"},
			{Name: "window_stride", Type: stages.Int, Min: stages.Num(1),
				Doc: "language_modeling: tokens between the starts of consecutive training windows (default seq_len: windows do not overlap); a smaller stride gives an epoch more windows and each token more contexts; validation windows never overlap"},
			{Name: "steps", Type: stages.Int, Default: int64(300), Min: stages.Num(1), Doc: "optimizer steps"},
			{Name: "lr", Type: stages.Float, Default: 3e-3, Min: stages.Num(0), MinExclusive: true, Doc: "peak learning rate"},
			{Name: "warmup_steps", Type: stages.Int, Default: int64(10), Min: stages.Num(0), Doc: "linear warm-up steps"},
			{Name: "schedule", Type: stages.String, Enum: []string{"cosine", "constant"}, Default: "cosine", Doc: "learning-rate schedule after warm-up"},
			{Name: "weight_decay", Type: stages.Float, Default: 0.01, Min: stages.Num(0), Doc: "AdamW decoupled weight decay (matrices only)"},
			{Name: "grad_accum", Type: stages.Int, Default: int64(1), Min: stages.Num(1), Doc: "micro-batches per optimizer step"},
			{Name: "clip_norm", Type: stages.Float, Default: 1.0, Min: stages.Num(0), Doc: "global gradient-norm clip (0: none)"},
			{Name: "seed", Type: stages.Int, Doc: "seed (default: params.seed)"},
			{Name: "dtype", Type: stages.String, Enum: []string{"float32", "bfloat16", "float16", "float64"}, Default: "float32",
				Doc: "compute dtype; weights, loss and optimizer state stay float32"},
			{Name: "backend", Type: stages.String, Default: "go", Doc: "go (SimpleGo), xla, xla:cpu, xla:cuda or xla:/abs/plugin.so"},
			{Name: "eval_every", Type: stages.Int, Default: int64(50), Min: stages.Num(0), Doc: "validate every n steps (and at the end) when a val input is wired; 0: only at the end"},
			{Name: "log_every", Type: stages.Int, Default: int64(10), Min: stages.Num(1), Doc: "history row and log line every n steps"},
			{Name: "checkpoint_every", Type: stages.Int, Default: int64(50), Min: stages.Num(0), Doc: "checkpoint every n steps (0: never)"},
			{Name: "keep_last", Type: stages.Int, Default: int64(2), Min: stages.Num(1), Doc: "most recent checkpoints kept"},
			{Name: "keep_best", Type: stages.Int, Default: int64(1), Min: stages.Num(0), Doc: "best checkpoints by val_loss kept besides them"},
			{Name: "early_stopping", Type: stages.Map, Doc: "stop when the metric has not improved for `patience` evaluations", Fields: []stages.Param{
				{Name: "metric", Type: stages.String, Enum: []string{"val_loss"}, Default: "val_loss", Doc: "metric watched (lower is better)"},
				{Name: "patience", Type: stages.Int, Required: true, Min: stages.Num(1), Doc: "evaluations without improvement before stopping"},
				{Name: "min_delta", Type: stages.Float, Default: 0.0, Doc: "smallest decrease that counts as an improvement"},
			}},
			{Name: "lora", Type: stages.Map, Doc: "fine-tune the `base` input with low-rank adapters", Fields: []stages.Param{
				{Name: "rank", Type: stages.Int, Default: int64(8), Min: stages.Num(1), Doc: "adapter rank"},
				{Name: "alpha", Type: stages.Float, Doc: "scale numerator (default: 2·rank)"},
				{Name: "dropout", Type: stages.Float, Default: 0.0, Min: stages.Num(0), Max: stages.Num(1), MaxExclusive: true, Doc: "dropout on the adapters' input (pretrained models; default 0)"},
				{Name: "targets", Type: stages.List, Elem: &stages.Param{Type: stages.String},
					Doc: "layers to adapt, by name suffix (default: attn.q, attn.v; hidden, head for bag_of_tokens; query, value for bert and roberta; q_lin, v_lin for distilbert; c_attn for gpt2; q_proj, v_proj for llama)"},
				{Name: "modules_to_save", Type: stages.List, Elem: &stages.Param{Type: stages.String},
					Doc: "pretrained models: modules trained in full beside the adapters, by name suffix as PEFT's modules_to_save (e.g. [LayerNorm]); the task head always is"},
			}},
			{Name: "merge", Type: stages.Bool, Default: false, Doc: "with lora: write merged full weights instead of adapters"},
		},
	}
}

// byType is a model field's default per model.type: bag_of_tokens, then
// transformer_classifier, then transformer_lm; nil gives that type no default
// (the size is derived when the model is built). An absent model.type (the
// base model's, a pretrained model's, or bag_of_tokens) gives none either.
func byType(bag, classifier, lm any) *stages.Conditional {
	c := &stages.Conditional{On: "type", Values: map[string]any{}}
	for t, v := range map[string]any{models.BagOfTokens: bag, models.TransformerClassifier: classifier, models.TransformerLM: lm} {
		if v != nil {
			c.Values[t] = v
		}
	}
	return c
}
