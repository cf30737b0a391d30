// Package baseline is the `baseline` stage kind: a classical model fitted on
// a tokenized table and scored on another, to stand beside a trained model in
// the same run. `method: kneser_ney` is an interpolated modified Kneser-Ney
// n-gram language model scored on the windows eval scores a language model
// on (cross-entropy and perplexity comparable with eval's); `method:
// logistic_regression` is a logistic regression on bags of token ids scored
// like eval scores a classifier (accuracy, macro F1, cross-entropy).
package baseline

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/eval"
	"github.com/mlpipe/pipeline/stages/train/data"
)

func init() { stages.Register(Kind{}) }

// Ports and methods of the baseline kind.
const (
	InputTrain  = "train"
	InputData   = "data"
	PortMetrics = "metrics"

	KneserNeyMethod = "kneser_ney"
	LogisticMethod  = "logistic_regression"
)

// Defaults of the kind's parameters.
const (
	defaultOrder  = 4
	defaultSeqLen = 64
	defaultEpochs = 20
	defaultLR     = 0.5
	defaultL2     = 1e-5
)

// Kind is the `baseline` stage kind.
type Kind struct{}

// Name implements stages.Kind.
func (Kind) Name() string { return "baseline" }

// Version implements stages.Kind.
func (Kind) Version() string { return "1" }

// ScoresHeldOut implements stages.Scorer: the metrics are the scored
// table's, comparable with eval's.
func (Kind) ScoresHeldOut() bool { return true }

// Doc implements stages.Kind.
func (Kind) Doc() string {
	return "a classical baseline fitted on `train` and scored on `data`: a Kneser-Ney n-gram language model or a logistic regression on token ids"
}

// Schema implements stages.Kind.
func (Kind) Schema() stages.Schema {
	return stages.Schema{
		Outputs:        PortMetrics + " (a directory with metrics.json, the shape of eval's)",
		Inputs:         []string{InputTrain, InputData},
		RequiredInputs: []string{InputTrain, InputData},
		Params: []stages.Param{
			{Name: "method", Type: stages.String, Required: true, Enum: []string{KneserNeyMethod, LogisticMethod},
				Doc: "kneser_ney (a language model) or logistic_regression (a classifier)"},
			{Name: "order", Type: stages.Int, Default: int64(defaultOrder), Min: stages.Num(1), Max: stages.Num(8), Doc: "kneser_ney: the longest n-gram counted"},
			{Name: "seq_len", Type: stages.Int, Min: stages.Num(1),
				DefaultBy: &stages.Conditional{On: "method", Values: map[string]any{KneserNeyMethod: int64(defaultSeqLen)}},
				Doc:       "the scored table's windows (kneser_ney, default 64) or longest row (logistic_regression, default whole rows): set the model's seq_len so both score the same tokens"},
			{Name: "window_stride", Type: stages.Int, Min: stages.Num(1),
				Doc: "kneser_ney: score windows that start every window_stride tokens, each token once, as eval's `window_stride` does (default seq_len: disjoint windows)"},
			{Name: "label", Type: stages.String, Doc: "logistic_regression: the label column (required for it)"},
			{Name: "epochs", Type: stages.Int, Default: int64(defaultEpochs), Min: stages.Num(1), Doc: "logistic_regression: passes over the training rows"},
			{Name: "lr", Type: stages.Float, Default: defaultLR, Min: stages.Num(0), MinExclusive: true, Doc: "logistic_regression: AdaGrad's learning rate"},
			{Name: "l2", Type: stages.Float, Default: defaultL2, Min: stages.Num(0), Doc: "logistic_regression: the L2 penalty"},
		},
	}
}

// Plan implements stages.Kind.
func (Kind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	completed, err := stages.Complete(Kind{}.Schema(), req.Params)
	if err != nil {
		return nil, fmt.Errorf("reading baseline parameters: %w", err)
	}
	p := stages.Params(completed)
	if p.String("method") == LogisticMethod && p.String("label") == "" {
		return nil, fmt.Errorf("method logistic_regression needs `label` (the label column)")
	}
	if stride := p.Int("window_stride"); stride != 0 {
		if p.String("method") != KneserNeyMethod {
			return nil, fmt.Errorf("window_stride: applies to method kneser_ney; a classifier's rows are scored whole")
		}
		if seqLen := p.Int("seq_len"); stride > seqLen {
			return nil, fmt.Errorf("window_stride: %d is more than seq_len %d", stride, seqLen)
		}
	}
	return &stages.Plan{Outputs: []string{PortMetrics}, DefaultOutput: PortMetrics,
		Roles: map[string]stages.Role{PortMetrics: stages.RoleMetrics}, Headline: eval.KeyMetrics, KeyMetrics: eval.KeyMetrics}, nil
}

// Run implements stages.Kind.
func (Kind) Run(ctx context.Context, env *stages.Env) (*stages.Result, error) {
	completed, err := stages.Complete(Kind{}.Schema(), env.Params)
	if err != nil {
		return nil, fmt.Errorf("reading baseline parameters: %w", err)
	}
	p := stages.Params(completed)
	var rep *eval.Report
	switch method := p.String("method"); method {
	case KneserNeyMethod:
		rep, err = runKneserNey(ctx, env, p)
	case LogisticMethod:
		rep, err = runLogistic(ctx, env, p)
	default:
		return nil, fmt.Errorf("method %q: want %s or %s", method, KneserNeyMethod, LogisticMethod)
	}
	if err != nil {
		return nil, err
	}
	rep.SchemaVersion, rep.Stage = eval.SchemaVersion, env.Stage
	dir := env.OutPath(PortMetrics)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("making the metrics output: %w", err)
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding the metrics: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "metrics.json"), append(b, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("writing the metrics: %w", err)
	}
	metrics := map[string]float64{}
	for k, v := range rep.Metrics {
		metrics[k] = v
	}
	return &stages.Result{Metrics: metrics}, nil
}

// runKneserNey counts the training table's token stream and scores the
// data table's windows, each position predicted from the tokens before it in
// its window, as eval scores a language model.
func runKneserNey(ctx context.Context, env *stages.Env, p stages.Params) (*eval.Report, error) {
	train, test, err := loadInputs(env, "")
	if err != nil {
		return nil, err
	}
	order := int(p.Int("order"))
	seqLen := int(p.Int("seq_len"))
	var stream []int32
	for _, r := range train.Rows {
		stream = append(stream, r...)
	}
	env.Progress.Start(0, "tokens")
	m, err := TrainKneserNey(stream, order, train.Tokenizer.VocabSize)
	if err != nil {
		return nil, fmt.Errorf("counting the n-grams of input `train`: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w, err := data.NewScoringWindows(test, seqLen, int(p.Int("window_stride")))
	if err != nil {
		return nil, fmt.Errorf("input `data`: %w", err)
	}
	nll, count, err := scoreWindows(ctx, m, w)
	if err != nil {
		return nil, fmt.Errorf("input `data`: %w", err)
	}
	ce := nll / math.Max(float64(count), 1)
	env.Log.Info().Int("order", order).Int("train_tokens", len(stream)).Int64("tokens", count).
		Float64("perplexity", math.Exp(ce)).Msg("scored")
	return &eval.Report{Task: "language_modeling", Examples: int64(w.Len()), Tokens: count,
		Metrics: map[string]float64{eval.CrossEntropy: ce, eval.Perplexity: math.Exp(ce)}}, nil
}

// scoreWindows sums the negative log-likelihood of every scored token of
// the windows, each predicted from the tokens before it in its window.
func scoreWindows(ctx context.Context, m *KneserNey, w *data.Windows) (float64, int64, error) {
	var nll float64
	var count int64
	for i := 0; i < w.Len(); i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, 0, err
			}
		}
		s := w.Start(i)
		for j := w.ScoredFrom(i); j < w.Length && s+j+1 < len(w.Stream); j++ {
			next := w.Stream[s+j+1]
			if next < 0 || int(next) >= m.Vocab {
				return 0, 0, fmt.Errorf("token %d is outside the training table's vocabulary of %d", next, m.Vocab)
			}
			lo := max(s, s+j+2-m.Order)
			nll -= math.Log(m.Prob(w.Stream[lo:s+j+1], next))
			count++
		}
	}
	return nll, count, nil
}

// runLogistic fits the classifier on the training rows and scores the data
// rows.
func runLogistic(ctx context.Context, env *stages.Env, p stages.Params) (*eval.Report, error) {
	label := p.String("label")
	train, test, err := loadInputs(env, label)
	if err != nil {
		return nil, err
	}
	vocab := train.Tokenizer.VocabSize
	seqLen := int(p.Int("seq_len"))
	cut := func(r []int32) []int32 {
		if seqLen > 0 && len(r) > seqLen {
			return r[:seqLen]
		}
		return r
	}
	index := map[string]int{}
	for _, l := range train.Labels {
		index[l] = 0
	}
	labels := make([]string, 0, len(index))
	for l := range index {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	for i, l := range labels {
		index[l] = i
	}
	rows := make([][]int32, len(train.Rows))
	classes := make([]int, len(train.Rows))
	for i, r := range train.Rows {
		rows[i], classes[i] = cut(r), index[train.Labels[i]]
	}
	o := LogisticOptions{Epochs: int(p.Int("epochs")), LR: p.Float("lr"),
		L2: p.Float("l2"), Seed: uint64(env.Seed)}
	m, err := TrainLogistic(rows, classes, len(labels), vocab, o)
	if err != nil {
		return nil, fmt.Errorf("fitting on input `train`: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	conf := eval.NewConfusion(labels)
	var nll float64
	for i, r := range test.Rows {
		c, ok := index[test.Labels[i]]
		if !ok {
			return nil, fmt.Errorf("input `data` row %d has label %q, which no training row has (labels: %s)",
				i, test.Labels[i], strings.Join(labels, ", "))
		}
		probs, err := m.Predict(cut(r))
		if err != nil {
			return nil, fmt.Errorf("input `data` row %d: %w", i, err)
		}
		pred := 0
		for k := range probs {
			if probs[k] > probs[pred] {
				pred = k
			}
		}
		conf.Add(c, pred)
		nll -= math.Log(max(probs[c], 1e-300))
	}
	acc, per, prec, rec, f1 := conf.Scores()
	ce := nll / math.Max(float64(len(test.Rows)), 1)
	env.Log.Info().Int("train_rows", len(rows)).Int("rows", len(test.Rows)).Float64("accuracy", acc).Msg("scored")
	return &eval.Report{Task: "classification", Examples: int64(len(test.Rows)),
		Metrics: map[string]float64{eval.Accuracy: acc, eval.PrecisionMacro: prec, eval.RecallMacro: rec,
			eval.F1Macro: f1, eval.CrossEntropy: ce},
		PerClass: per, Confusion: conf}, nil
}

// loadInputs reads the `train` and `data` tables (with the label column,
// when named), which must come from the same tokenizer.
func loadInputs(env *stages.Env, label string) (train, test *data.Table, err error) {
	if train, err = data.Load(env.Inputs[InputTrain], label); err != nil {
		return nil, nil, fmt.Errorf("reading input `train`: %w", err)
	}
	if test, err = data.Load(env.Inputs[InputData], label); err != nil {
		return nil, nil, fmt.Errorf("reading input `data`: %w", err)
	}
	if test.Tokenizer.Digest != train.Tokenizer.Digest || test.Tokenizer.VocabSize != train.Tokenizer.VocabSize {
		return nil, nil, fmt.Errorf("inputs `train` and `data` were tokenized differently (tokenizer %s of %d tokens against %s of %d)",
			short(train.Tokenizer.Digest), train.Tokenizer.VocabSize, short(test.Tokenizer.Digest), test.Tokenizer.VocabSize)
	}
	return train, test, nil
}

func short(digest string) string {
	if len(digest) > 12 {
		return digest[:12]
	}
	if digest == "" {
		return "(unnamed)"
	}
	return digest
}
