package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train/backend"
	"github.com/mlpipe/pipeline/stages/train/data"
	"github.com/mlpipe/pipeline/stages/train/engine"
	"github.com/mlpipe/pipeline/stages/train/modelfile"
)

// SchemaVersion is the version of metrics.json and metrics.ndjson.
const SchemaVersion = 1

// Report is metrics.json. It holds nothing that varies between two runs on
// the same inputs: no wall-clock time and no run id (the manifest has those);
// the data and model are identified by digest.
type Report struct {
	SchemaVersion int                `json:"schema_version"`
	Stage         string             `json:"stage"`
	Task          string             `json:"task"`
	DataDigest    string             `json:"data_digest"`
	ModelDigest   string             `json:"model_digest"`
	Examples      int64              `json:"examples"`
	Tokens        int64              `json:"tokens"`
	Metrics       map[string]float64 `json:"metrics"`
	PerClass      []ClassScores      `json:"per_class,omitempty"`
	Confusion     *Confusion         `json:"confusion,omitempty"`
}

// Run implements stages.Kind.
func (Kind) Run(ctx context.Context, env *stages.Env) (*stages.Result, error) {
	completed, err := stages.Complete(Kind{}.Schema(), env.Params)
	if err != nil {
		return nil, fmt.Errorf("reading eval parameters: %w", err)
	}
	p := stages.Params(completed)
	modelDir, dataPath := env.Inputs[InputModel], env.Inputs[InputData]
	m, err := modelfile.Open(modelDir)
	if err != nil {
		return nil, fmt.Errorf("loading the model input: %w", err)
	}
	classify := m.Meta.Task == modelfile.Classification
	label := ""
	if classify {
		label = p.String("label", m.Meta.LabelColumn)
		if label == "" {
			label = "label"
		}
	}
	if classify && p.Int("window_stride") != 0 {
		return nil, fmt.Errorf("window_stride: applies to language models; a classifier's rows are scored whole")
	}
	wanted, err := wantedMetrics(p.Strings("metrics"), classify)
	if err != nil {
		return nil, err
	}
	tbl, err := data.Load(dataPath, label)
	if err != nil {
		return nil, fmt.Errorf("loading the data input: %w", err)
	}
	if err := compatible(m.Meta, tbl); err != nil {
		return nil, err
	}
	var src data.Source
	if classify {
		if src, err = data.NewClasses(tbl, m.Meta.Labels, m.SeqLen); err != nil {
			return nil, err
		}
	} else if src, err = lmWindows(tbl, m.SeqLen, p); err != nil {
		return nil, err
	}
	b, err := backend.Open(p.String("backend"))
	if err != nil {
		return nil, err
	}
	tr, err := engine.New(b, m.Net, m.Specs, make([]bool, len(m.Specs)), engine.DefaultHyper(), &engine.State{Params: m.Values})
	if err != nil {
		return nil, err
	}
	defer tr.Close()

	rows := int(p.Int("batch_size"))
	env.Progress.Start(int64(src.Len()), "rows")
	var sum, count float64
	var conf *Confusion
	if classify {
		conf = NewConfusion(m.Meta.Labels)
	}
	var tokens int64
	var examples []Example
	err = data.Sequential(src, rows, func(batch *engine.Batch, idx []int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := tr.Evaluate(batch)
		if err != nil {
			return fmt.Errorf("evaluating rows %d-%d: %w", idx[0], idx[len(idx)-1], err)
		}
		sum += r.SumNLL
		count += r.Count
		for k, i := range idx {
			tokens += int64(src.Tokens(i))
			if conf != nil {
				logits := r.Logits[k*m.Classes : (k+1)*m.Classes]
				pred := engine.Argmax(logits)
				conf.Add(int(batch.Targets[k]), pred)
				examples = append(examples, Example{Row: int64(i), Actual: m.Meta.Labels[batch.Targets[k]],
					Predicted: m.Meta.Labels[pred], Probability: engine.Softmax(logits)[pred]})
			}
		}
		env.Progress.Add(int64(len(idx)))
		return nil
	})
	if err != nil {
		return nil, err
	}
	ce := sum / math.Max(count, 1)
	all := map[string]float64{CrossEntropy: ce, Perplexity: perplexity(ce)}
	report := &Report{SchemaVersion: SchemaVersion, Stage: env.Stage, Task: m.Meta.Task, Examples: int64(src.Len()), Tokens: tokens}
	if conf != nil {
		acc, per, prec, rec, f1 := conf.Scores()
		all[Accuracy], all[PrecisionMacro], all[RecallMacro], all[F1Macro] = acc, prec, rec, f1
		report.PerClass, report.Confusion = per, conf
	}
	report.Metrics = map[string]float64{}
	for _, k := range wanted {
		report.Metrics[k] = all[k]
	}
	if report.DataDigest, err = digestOf(dataPath); err != nil {
		return nil, err
	}
	if report.ModelDigest, err = digestOf(modelDir); err != nil {
		return nil, err
	}
	if err := writeMetrics(env.OutPath(PortMetrics), report); err != nil {
		return nil, err
	}
	if err := writeTables(env.OutPath(PortTables), report); err != nil {
		return nil, err
	}
	if err := writePredictions(filepath.Join(env.OutPath(PortTables), PredictionsFile), examples); err != nil {
		return nil, err
	}
	return &stages.Result{Metrics: report.Metrics}, nil
}

// lmWindows cuts the scored table into the windows `window_stride` asks
// for (disjoint by default).
func lmWindows(tbl *data.Table, seqLen int, p stages.Params) (*data.Windows, error) {
	stride := int(p.Int("window_stride"))
	if stride > seqLen {
		return nil, fmt.Errorf("window_stride: %d is more than the model's seq_len %d", stride, seqLen)
	}
	return data.NewScoringWindows(tbl, seqLen, stride)
}

// wantedMetrics resolves the `metrics:` list against the task.
func wantedMetrics(names []string, classify bool) ([]string, error) {
	avail := lmMetrics
	if classify {
		avail = classificationMetrics
	}
	if len(names) == 0 {
		return avail, nil
	}
	var out []string
	for _, n := range names {
		c, err := canonical(n)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(avail, c) {
			return nil, fmt.Errorf("metric %s needs a classification model; a language model has %s", c, strings.Join(lmMetrics, ", "))
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// compatible checks that the table was tokenized like the model's training data.
func compatible(m *modelfile.Meta, t *data.Table) error {
	want, got := m.Tokenizer, t.Tokenizer
	if want.VocabSize != got.VocabSize {
		return fmt.Errorf("data %s has vocabulary size %d but the model was trained with %d: tokenize it with the model's tokenizer",
			t.Path, got.VocabSize, want.VocabSize)
	}
	if want.Digest != "" && got.Digest != "" && want.Digest != got.Digest {
		return fmt.Errorf("data %s was tokenized by tokenizer %s but the model was trained with %s", t.Path, got.Digest, want.Digest)
	}
	if m.Task == modelfile.Classification {
		var unknown []string
		for _, l := range t.LabelSet() {
			if !slices.Contains(m.Labels, l) {
				unknown = append(unknown, l)
			}
		}
		if len(unknown) > 0 {
			return fmt.Errorf("data %s has labels %q that the model does not know (its labels: %q)", t.Path, unknown, m.Labels)
		}
	}
	return nil
}

func digestOf(path string) (string, error) {
	tree, err := artifacts.HashPath(path)
	if err != nil {
		return "", fmt.Errorf("hashing %s: %w", path, err)
	}
	return tree.Digest, nil
}

// writeMetrics writes metrics.json (the whole report) and metrics.ndjson (one
// record with the scalar metrics) into dir.
func writeMetrics(dir string, r *Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing metrics: %w", err)
	}
	full, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding metrics: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "metrics.json"), append(full, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing metrics: %w", err)
	}
	line, err := json.Marshal(struct {
		SchemaVersion int                `json:"schema_version"`
		Stage         string             `json:"stage"`
		Task          string             `json:"task"`
		DataDigest    string             `json:"data_digest"`
		ModelDigest   string             `json:"model_digest"`
		Examples      int64              `json:"examples"`
		Metrics       map[string]float64 `json:"metrics"`
	}{r.SchemaVersion, r.Stage, r.Task, r.DataDigest, r.ModelDigest, r.Examples, r.Metrics})
	if err != nil {
		return fmt.Errorf("encoding metrics: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "metrics.ndjson"), append(line, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing metrics: %w", err)
	}
	return nil
}
