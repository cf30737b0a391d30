// Package predict implements the `predict` stage kind: a trained model (of
// the engine's own architectures or a Hugging Face one) applied to a
// tokenized table. A classifier's predictions are a table of the rows' ids,
// predicted labels and class probabilities; a language model continues each
// row, greedily or by seeded sampling (temperature, top-k, top-p), and the
// table holds the generated ids and text.
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

// Name implements stages.Kind.
func (Kind) Name() string { return "predict" }

// Version implements stages.Kind.
func (Kind) Version() string { return "1" }

// Implementations implements stages.Implementations.
func (Kind) Implementations() map[string]string {
	return map[string]string{"table": table.FormatVersion, "gomlx": backend.GoMLXVersion}
}

// Doc implements stages.Kind.
func (Kind) Doc() string {
	return "apply a trained model to a tokenized table: labels and class probabilities, or generated text (greedy, temperature, top-k, top-p; seeded)"
}

// Schema implements stages.Kind.
func (Kind) Schema() stages.Schema {
	return stages.Schema{
		Inputs:         []string{InputModel, InputData},
		RequiredInputs: []string{InputModel, InputData},
		Params: []stages.Param{
			{Name: "id", Type: stages.String, Doc: "column copied into the predictions to name each row (default: id when the table has it, else the row number)"},
			{Name: "batch_size", Type: stages.Int, Default: int64(32), Doc: "rows per batch"},
			{Name: "backend", Type: stages.String, Default: "go", Doc: "go (SimpleGo), xla, xla:cpu, xla:cuda"},
			{Name: "max_new_tokens", Type: stages.Int, Default: int64(32), Doc: "language models: tokens generated per row"},
			{Name: "strategy", Type: stages.String, Enum: []string{Greedy, Sample}, Default: Greedy, Doc: "language models: greedy or sample"},
			{Name: "temperature", Type: stages.Float, Default: 1.0, Doc: "sampling temperature"},
			{Name: "top_k", Type: stages.Int, Default: int64(0), Doc: "sample among the k most likely tokens (0: all)"},
			{Name: "top_p", Type: stages.Float, Default: 1.0, Doc: "sample among the most likely tokens whose probability reaches p (1: all)"},
			{Name: "stop_id", Type: stages.Int, Default: int64(-1), Doc: "token id that ends a row's generation (-1: none)"},
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

func parseOptions(raw map[string]any, seed int64) (*options, error) {
	p := stages.Params(raw)
	o := &options{id: p.String("id", ""), batch: int(p.Int("batch_size", 32)), backend: p.String("backend", backend.Default),
		sampling: Sampling{Strategy: p.String("strategy", Greedy), Temperature: p.Float("temperature", 1), TopK: int(p.Int("top_k", 0)),
			TopP: p.Float("top_p", 1), MaxNewTokens: int(p.Int("max_new_tokens", 32)), StopID: int32(p.Int("stop_id", -1)), Seed: seed}}
	if o.batch <= 0 {
		return nil, fmt.Errorf("batch_size = %d: must be positive", o.batch)
	}
	if err := o.sampling.Check(); err != nil {
		return nil, err
	}
	if err := backend.Check(o.backend, "float32"); err != nil {
		return nil, err
	}
	return o, nil
}

// Plan implements stages.Kind.
func (Kind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	if _, err := parseOptions(req.Params, 0); err != nil {
		return nil, err
	}
	return &stages.Plan{Outputs: []string{PortPredictions}}, nil
}
