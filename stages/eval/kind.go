// Package eval implements the `eval` stage kind: it scores a trained model on a
// tokenized table — accuracy, macro precision/recall/F1, per-class metrics and
// the confusion matrix for a classifier; cross-entropy and perplexity for a
// language model — in batches of bounded memory, and writes the results as
// JSON, NDJSON and Parquet that are bit-reproducible.
package eval

import (
	"fmt"
	"slices"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train/backend"
)

// Kind is the eval stage kind.
type Kind struct{}

func init() { stages.Register(Kind{}) }

// Ports.
const (
	InputModel  = "model"
	InputData   = "data"
	PortMetrics = "metrics"
	PortTables  = "tables"
)

// Scalar metric names.
const (
	Accuracy       = "accuracy"
	PrecisionMacro = "precision_macro"
	RecallMacro    = "recall_macro"
	F1Macro        = "f1_macro"
	CrossEntropy   = "cross_entropy"
	Perplexity     = "perplexity"
)

// KeyMetrics are the metrics an evaluation is judged by, most telling
// first: a classifier's accuracy and macro F1, a language model's
// perplexity and cross-entropy (each reports its task's).
var KeyMetrics = []string{Accuracy, F1Macro, Perplexity, CrossEntropy}

// classificationMetrics and lmMetrics are the scalar metrics of each task.
var (
	classificationMetrics = []string{Accuracy, PrecisionMacro, RecallMacro, F1Macro, CrossEntropy, Perplexity}
	lmMetrics             = []string{CrossEntropy, Perplexity}
)

// aliases are accepted short names in `metrics:`.
var aliases = map[string]string{"f1": F1Macro, "precision": PrecisionMacro, "recall": RecallMacro, "ppl": Perplexity}

// Name implements stages.Kind.
func (Kind) Name() string { return "eval" }

// Version implements stages.Kind.
func (Kind) Version() string { return "3" }

// Implementations implements stages.Implementations: the table format it writes and the GoMLX release it computes with.
func (Kind) Implementations() map[string]string {
	return map[string]string{"table": table.FormatVersion, "gomlx": backend.GoMLXVersion, "simplego_dot": backend.DotKernels()}
}

// ScoresHeldOut implements stages.Scorer.
func (Kind) ScoresHeldOut() bool { return true }

// Doc implements stages.Kind.
func (Kind) Doc() string {
	return "evaluate a trained model on a tokenized table: accuracy, precision/recall/F1, confusion matrix, cross-entropy, perplexity"
}

// Schema implements stages.Kind.
func (Kind) Schema() stages.Schema {
	return stages.Schema{
		Outputs:        PortMetrics + ", " + PortTables,
		Inputs:         []string{InputModel, InputData},
		RequiredInputs: []string{InputModel, InputData},
		Params: []stages.Param{
			{Name: "metrics", Type: stages.List, Elem: &stages.Param{Type: stages.String},
				Doc: "scalar metrics reported to the manifest (default: all of the task's); f1, precision, recall mean the macro averages"},
			{Name: "label", Type: stages.String, Doc: "label column (default: the one the model was trained on)"},
			{Name: "batch_size", Type: stages.Int, Default: int64(64), Min: stages.Num(1), Doc: "rows (or windows) per batch"},
			{Name: "window_stride", Type: stages.Int, Min: stages.Num(1),
				Doc: "language models: score windows of the model's seq_len that start every window_stride tokens, each window after the first predicting only its last window_stride tokens, so that every token is scored once with at least seq_len-window_stride tokens before it (sliding-window perplexity; default seq_len: disjoint windows, a token sees between 1 and seq_len)"},
			{Name: "backend", Type: stages.String, Default: backend.Default, Doc: "go (SimpleGo), xla, xla:cpu, xla:cuda"},
		},
	}
}

// canonical resolves a metric name or alias.
func canonical(name string) (string, error) {
	if a, ok := aliases[name]; ok {
		return a, nil
	}
	if slices.Contains(classificationMetrics, name) {
		return name, nil
	}
	return "", fmt.Errorf("unknown metric %q: want one of %v (or f1, precision, recall)", name, classificationMetrics)
}

// Plan implements stages.Kind.
func (Kind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	completed, err := stages.Complete(Kind{}.Schema(), req.Params)
	if err != nil {
		return nil, fmt.Errorf("reading eval parameters: %w", err)
	}
	p := stages.Params(completed)
	for _, m := range p.Strings("metrics") {
		if _, err := canonical(m); err != nil {
			return nil, err
		}
	}
	if err := backend.Check(p.String("backend"), "float32"); err != nil {
		return nil, err
	}
	return &stages.Plan{Outputs: []string{PortMetrics, PortTables},
		Roles:    map[string]stages.Role{PortMetrics: stages.RoleMetrics, PortTables: stages.RoleEvaluation},
		Headline: KeyMetrics, KeyMetrics: KeyMetrics}, nil
}
