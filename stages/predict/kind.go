// Package predict applies a train stage's model (of the engine's own
// architectures or a Hugging Face one) to new rows. The `predict` stage kind
// reads a tokenized table and writes a predictions table: for a classifier
// each row's id, predicted label, its probability and every class's
// (prob_<label>, a softmax in float64); for a language model each row's
// continuation, greedy or sampled (temperature, top-k, top-p) from one
// random stream per row seeded by the stage seed and the row index. Each
// generated token is a full forward pass over the row's window: there is no
// key-value cache, so a generation of n tokens costs n forward passes.
// PredictJSONL does the same for `pipeline predict` on JSONL text, with the
// same Model, sampling and softmax.
package predict

import (
	"fmt"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train/backend"
)

// Kind is the predict stage kind.
type Kind struct{}

func init() { stages.Register(Kind{}) }

// Ports.
const (
	InputModel      = "model"
	InputData       = "data"
	PortPredictions = "predictions"
)

// Defaults.
const (
	DefaultBatch        = 32
	DefaultMaxNewTokens = 32
)

// Name implements stages.Kind.
func (Kind) Name() string { return "predict" }

// Version implements stages.Kind.
func (Kind) Version() string { return "2" }

// Implementations implements stages.Implementations: the table format it
// writes and the GoMLX release it computes with.
func (Kind) Implementations() map[string]string {
	return map[string]string{"table": table.FormatVersion, "gomlx": backend.GoMLXVersion, "simplego_dot": backend.DotKernels()}
}

// Doc implements stages.Kind.
func (Kind) Doc() string {
	return "apply a trained model to a tokenized table: labels and class probabilities, or generated text (greedy, temperature, top-k, top-p; seeded)"
}

// Schema implements stages.Kind.
func (Kind) Schema() stages.Schema {
	return stages.Schema{
		Outputs:        PortPredictions,
		Inputs:         []string{InputModel, InputData},
		RequiredInputs: []string{InputModel, InputData},
		Params: []stages.Param{
			{Name: "id", Type: stages.String, Doc: "column copied into the predictions to name each row (default: id when the table has it, else a row column with the row index)"},
			{Name: "batch_size", Type: stages.Int, Default: int64(DefaultBatch), Doc: "rows per forward pass"},
			{Name: "backend", Type: stages.String, Default: backend.Default, Doc: "go (SimpleGo), xla, xla:cpu, xla:cuda"},
			{Name: "max_new_tokens", Type: stages.Int, Default: int64(DefaultMaxNewTokens), Doc: "language models: most tokens generated per row"},
			{Name: "strategy", Type: stages.String, Enum: []string{Greedy, Sample}, Default: Greedy, Doc: "language models: greedy or sample"},
			{Name: "temperature", Type: stages.Float, Default: 1.0, Doc: "language models: divides the logits before sampling (> 0)"},
			{Name: "top_k", Type: stages.Int, Default: int64(0), Doc: "language models: sample among the k most likely tokens (0: off)"},
			{Name: "top_p", Type: stages.Float, Default: 1.0, Doc: "language models: sample among the fewest most likely tokens whose probability reaches p, in (0, 1] (1: off)"},
			{Name: "stop_at_eos", Type: stages.Int, Doc: "language models: a token id that ends a row's generation (kept in it); default none"},
		},
	}
}

// options are a predict stage's resolved `with:`.
type options struct {
	id       string
	batch    int
	backend  string
	sampling Sampling
}

// parseOptions reads and checks the params; errors name the param.
func parseOptions(raw map[string]any, seed int64) (*options, error) {
	completed, err := stages.Complete(Kind{}.Schema(), raw)
	if err != nil {
		return nil, fmt.Errorf("reading predict parameters: %w", err)
	}
	p := stages.Params(completed)
	o := &options{id: p.String("id"), backend: p.String("backend"),
		sampling: Sampling{Strategy: p.String("strategy"), Temperature: p.Float("temperature"),
			TopP: p.Float("top_p"), StopID: p.Int("stop_at_eos", NoStop), Seed: seed}}
	if _, ok := raw["stop_at_eos"]; ok && o.sampling.StopID < 0 {
		return nil, &ParamError{"stop_at_eos", o.sampling.StopID, "must be a token id (>= 0); leave it out for none"}
	}
	batch, maxNew, topK := p.Int("batch_size"), p.Int("max_new_tokens"), p.Int("top_k")
	if batch <= 0 || batch > 1<<20 {
		return nil, &ParamError{"batch_size", batch, "must be in [1, 1048576]"}
	}
	if maxNew > 1<<20 {
		return nil, &ParamError{"max_new_tokens", maxNew, "must be at most 1048576"}
	}
	if topK > 1<<31-1 {
		return nil, &ParamError{"top_k", topK, "too large"}
	}
	o.batch, o.sampling.MaxNewTokens, o.sampling.TopK = int(batch), int(maxNew), int(topK)
	if err := o.sampling.Check(); err != nil {
		return nil, err
	}
	if err := backend.Check(o.backend, "float32"); err != nil {
		return nil, fmt.Errorf("backend: %w", err)
	}
	return o, nil
}

// Plan implements stages.Kind.
func (Kind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	if _, err := parseOptions(req.Params, 0); err != nil {
		return nil, err
	}
	return &stages.Plan{Outputs: []string{PortPredictions}, Roles: map[string]stages.Role{PortPredictions: stages.RoleTable},
		Headline: []string{MetricRows, MetricAccuracy}, KeyMetrics: []string{MetricAccuracy}}, nil
}
