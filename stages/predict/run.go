package predict

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train/data"
)

// Metric names.
const (
	MetricRows     = "rows"
	MetricAccuracy = "accuracy"
)

// Run implements stages.Kind.
func (Kind) Run(ctx context.Context, env *stages.Env) (*stages.Result, error) {
	o, err := parseOptions(env.Params, env.Seed)
	if err != nil {
		return nil, err
	}
	m, err := OpenModel(env.Inputs[InputModel], o.backend, o.batch)
	if err != nil {
		return nil, fmt.Errorf("loading the model input: %w", err)
	}
	defer m.Close()
	path := env.Inputs[InputData]
	schema, err := schemaOf(path)
	if err != nil {
		return nil, err
	}
	has := func(col string) bool { return len(schema.FieldIndices(col)) > 0 }
	classify := m.Classifier()
	label := ""
	if classify && m.Meta.LabelColumn != "" && has(m.Meta.LabelColumn) {
		label = m.Meta.LabelColumn
	}
	tbl, err := data.Load(path, label)
	if err != nil {
		return nil, fmt.Errorf("loading the data input: %w", err)
	}
	if err := compatible(m, tbl); err != nil {
		return nil, err
	}
	idCol := o.id
	switch {
	case idCol != "" && !has(idCol):
		return nil, fmt.Errorf("id: data %s has no column %q (columns: %s)", path, idCol, strings.Join(columnNames(schema), ", "))
	case idCol == "" && has("id"):
		idCol = "id"
	}
	var copyCols []string
	if idCol != "" {
		copyCols = append(copyCols, idCol)
	}
	if label != "" && label != idCol {
		copyCols = append(copyCols, label)
	}
	cols, err := readCopied(path, copyCols, len(tbl.Rows))
	if err != nil {
		return nil, fmt.Errorf("loading the data input: %w", err)
	}
	defer cols.release()
	var decode func([]int32) string
	if m.Tokenizer != nil {
		decode = m.Tokenizer.Decode
	}
	w, err := newWriter(env.OutPath(PortPredictions), cols, idCol == "", m.Meta.Labels, decode, classify)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			w.abort()
		}
	}()

	env.Progress.Start(int64(len(tbl.Rows)), "rows")
	correct := 0
	for start := 0; start < len(tbl.Rows); start += o.batch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		end := min(start+o.batch, len(tbl.Rows))
		rows := tbl.Rows[start:end]
		if classify {
			probs, err := m.Classify(rows, start)
			if err != nil {
				return nil, fmt.Errorf("predicting on %s: %w", path, err)
			}
			if label != "" {
				for k, p := range probs {
					if m.Meta.Labels[Predicted(p)] == tbl.Labels[start+k] {
						correct++
					}
				}
			}
			if err := w.writeClasses(start, probs); err != nil {
				return nil, err
			}
		} else {
			gen, err := m.Generate(ctx, rows, o.sampling, start)
			if err != nil {
				return nil, fmt.Errorf("generating from %s: %w", path, err)
			}
			lens := make([]int, len(rows))
			for k, r := range rows {
				lens[k] = len(r)
			}
			if err := w.writeGenerated(start, lens, gen); err != nil {
				return nil, err
			}
		}
		env.Progress.Add(int64(end - start))
	}
	if err := w.close(); err != nil {
		return nil, err
	}
	ok = true
	metrics := map[string]float64{MetricRows: float64(len(tbl.Rows))}
	if label != "" && len(tbl.Rows) > 0 {
		metrics[MetricAccuracy] = float64(correct) / float64(len(tbl.Rows))
	}
	return &stages.Result{Metrics: metrics}, nil
}

// compatible checks that the table was tokenized like the model's training data.
func compatible(m *Model, t *data.Table) error {
	want, got := m.Meta.Tokenizer, t.Tokenizer
	if want.VocabSize != got.VocabSize {
		return fmt.Errorf("data %s has vocabulary size %d but the model was trained with %d: tokenize it with the model's tokenizer",
			t.Path, got.VocabSize, want.VocabSize)
	}
	if want.Digest != "" && got.Digest != "" && want.Digest != got.Digest {
		return fmt.Errorf("data %s was tokenized by tokenizer %s but the model was trained with %s", t.Path, got.Digest, want.Digest)
	}
	return nil
}

func schemaOf(path string) (*arrow.Schema, error) {
	r, err := table.Open(path)
	if err != nil {
		return nil, fmt.Errorf("loading the data input: %w", err)
	}
	defer r.Close()
	return r.Schema(), nil
}

func columnNames(s *arrow.Schema) []string {
	names := make([]string, 0, s.NumFields())
	for _, f := range s.Fields() {
		names = append(names, f.Name)
	}
	return names
}
