package predict

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/tokenize"
	"github.com/mlpipe/pipeline/stages/train/backend"
	"github.com/mlpipe/pipeline/stages/train/data"
	"github.com/mlpipe/pipeline/stages/train/engine"
	"github.com/mlpipe/pipeline/stages/train/hf"
	"github.com/mlpipe/pipeline/stages/train/modelfile"
)

// Model is a trained model ready to predict with.
type Model struct {
	// Runnable is the loaded model artifact.
	*modelfile.Runnable
	// Tokenizer is the model directory's tokenizer.json, nil when it has none.
	Tokenizer tokenize.Tokenizer
	predictor *engine.Predictor
}

// OpenModel loads a train stage's model output for prediction on a backend.
func OpenModel(dir, backendName string) (*Model, error) {
	r, err := modelfile.Open(dir)
	if err != nil {
		return nil, err
	}
	m := &Model{Runnable: r}
	if tp := filepath.Join(dir, hf.TokenizerFile); fileExists(tp) {
		if m.Tokenizer, err = tokenize.Load(tp); err != nil {
			return nil, fmt.Errorf("loading the model's tokenizer: %w", err)
		}
	}
	b, err := backend.Open(backendName)
	if err != nil {
		return nil, err
	}
	if m.predictor, err = engine.NewPredictor(b, r.Net, r.Specs, r.Values); err != nil {
		return nil, err
	}
	return m, nil
}

// Close frees the model's weights.
func (m *Model) Close() { m.predictor.Close() }

// Classify returns each row's class probabilities.
func (m *Model) Classify(rows [][]int32) ([][]float64, error) {
	seq := 0
	for _, r := range rows {
		seq = max(seq, min(len(r), m.SeqLen))
	}
	seq = max(seq, 1)
	ids, mask := make([]int32, len(rows)*seq), make([]float32, len(rows)*seq)
	for i, r := range rows {
		for j, id := range r[:min(len(r), seq)] {
			ids[i*seq+j], mask[i*seq+j] = id, 1
		}
	}
	logits, dims, err := m.predictor.Run(ids, mask, len(rows), seq)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, len(rows))
	for i := range rows {
		out[i] = engine.Softmax(logits[i*dims[1] : (i+1)*dims[1]])
	}
	return out, nil
}

// Generate continues each prompt; first is the index of prompts[0] among all rows.
func (m *Model) Generate(prompts [][]int32, s Sampling, first int) ([][]int32, error) {
	return Generate(m.predictor.Run, prompts, m.SeqLen, s, first)
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// Run implements stages.Kind.
func (Kind) Run(ctx context.Context, env *stages.Env) (*stages.Result, error) {
	o, err := parseOptions(env.Params, env.Seed)
	if err != nil {
		return nil, err
	}
	m, err := OpenModel(env.Inputs[InputModel], o.backend)
	if err != nil {
		return nil, fmt.Errorf("loading the model input: %w", err)
	}
	defer m.Close()
	path := env.Inputs[InputData]
	schema, err := schemaOf(path)
	if err != nil {
		return nil, err
	}
	label := ""
	classify := m.Meta.Task == modelfile.Classification
	if classify && m.Meta.LabelColumn != "" && len(schema.FieldIndices(m.Meta.LabelColumn)) > 0 {
		label = m.Meta.LabelColumn
	}
	tbl, err := data.Load(path, label)
	if err != nil {
		return nil, fmt.Errorf("loading the data input: %w", err)
	}
	if tbl.Tokenizer.VocabSize != m.Meta.Tokenizer.VocabSize {
		return nil, fmt.Errorf("data %s has vocabulary size %d but the model was trained with %d: tokenize it with the model's tokenizer",
			path, tbl.Tokenizer.VocabSize, m.Meta.Tokenizer.VocabSize)
	}
	idCol := o.id
	if idCol == "" && len(schema.FieldIndices("id")) > 0 {
		idCol = "id"
	}
	ids, err := readIDs(path, idCol, len(tbl.Rows))
	if err != nil {
		return nil, err
	}
	env.Progress.Start(int64(len(tbl.Rows)), "rows")
	w := newWriter(idCol, m, label != "")
	defer w.release()
	correct := 0
	for start := 0; start < len(tbl.Rows); start += o.batch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		end := min(start+o.batch, len(tbl.Rows))
		if classify {
			probs, err := m.Classify(tbl.Rows[start:end])
			if err != nil {
				return nil, fmt.Errorf("predicting rows %d-%d: %w", start, end-1, err)
			}
			for k, p := range probs {
				i := start + k
				lbl := ""
				if label != "" {
					lbl = tbl.Labels[i]
				}
				if w.addClass(ids[i], p, lbl) == lbl && label != "" {
					correct++
				}
			}
		} else {
			gen, err := m.Generate(tbl.Rows[start:end], o.sampling, start)
			if err != nil {
				return nil, fmt.Errorf("generating rows %d-%d: %w", start, end-1, err)
			}
			for k, g := range gen {
				w.addGenerated(ids[start+k], len(tbl.Rows[start+k]), g)
			}
		}
		env.Progress.Add(int64(end - start))
	}
	if err := w.write(env.OutPath(PortPredictions)); err != nil {
		return nil, err
	}
	metrics := map[string]float64{"rows": float64(len(tbl.Rows))}
	if label != "" && len(tbl.Rows) > 0 {
		metrics["accuracy"] = float64(correct) / float64(len(tbl.Rows))
	}
	return &stages.Result{Metrics: metrics}, nil
}

func schemaOf(path string) (*arrow.Schema, error) {
	r, err := table.Open(path)
	if err != nil {
		return nil, fmt.Errorf("loading the data input: %w", err)
	}
	defer r.Close()
	return r.Schema(), nil
}

// readIDs returns each row's id as text: column col's value, or the row
// number when col is "".
func readIDs(path, col string, n int) ([]string, error) {
	out := make([]string, 0, n)
	if col == "" {
		for i := range n {
			out = append(out, strconv.Itoa(i))
		}
		return out, nil
	}
	r, err := table.OpenColumns(path, []string{col})
	if err != nil {
		return nil, fmt.Errorf("reading the id column %q of %s: %w", col, path, err)
	}
	defer r.Close()
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the id column %q of %s: %w", col, path, err)
		}
		c := rec.Column(0)
		for i := range c.Len() {
			out = append(out, c.ValueStr(i))
		}
		rec.Release()
	}
	if len(out) != n {
		return nil, fmt.Errorf("the id column %q of %s has %d values for %d rows", col, path, len(out), n)
	}
	return out, nil
}

// writer accumulates the predictions table.
type writer struct {
	b       *array.RecordBuilder
	m       *Model
	labeled bool
}

func newWriter(idCol string, m *Model, labeled bool) *writer {
	if idCol == "" {
		idCol = "row"
	}
	fields := []arrow.Field{{Name: idCol, Type: arrow.BinaryTypes.String}}
	if m.Meta.Task == modelfile.Classification {
		if labeled {
			fields = append(fields, arrow.Field{Name: m.Meta.LabelColumn, Type: arrow.BinaryTypes.String})
		}
		fields = append(fields, arrow.Field{Name: "predicted", Type: arrow.BinaryTypes.String}, arrow.Field{Name: "probability", Type: arrow.PrimitiveTypes.Float64})
		for _, l := range m.Meta.Labels {
			fields = append(fields, arrow.Field{Name: "prob_" + l, Type: arrow.PrimitiveTypes.Float64})
		}
	} else {
		fields = append(fields, arrow.Field{Name: "prompt_tokens", Type: arrow.PrimitiveTypes.Int64},
			arrow.Field{Name: "generated_ids", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32)})
		if m.Tokenizer != nil {
			fields = append(fields, arrow.Field{Name: "generated", Type: arrow.BinaryTypes.String})
		}
	}
	return &writer{b: array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil)), m: m, labeled: labeled}
}

// addClass appends one classified row and returns its predicted label.
func (w *writer) addClass(id string, probs []float64, label string) string {
	best := 0
	for i, p := range probs {
		if p > probs[best] {
			best = i
		}
	}
	pred := w.m.Meta.Labels[best]
	f := 0
	w.b.Field(f).(*array.StringBuilder).Append(id)
	if w.labeled {
		f++
		w.b.Field(f).(*array.StringBuilder).Append(label)
	}
	w.b.Field(f + 1).(*array.StringBuilder).Append(pred)
	w.b.Field(f + 2).(*array.Float64Builder).Append(probs[best])
	for i, p := range probs {
		w.b.Field(f + 3 + i).(*array.Float64Builder).Append(p)
	}
	return pred
}

func (w *writer) addGenerated(id string, promptLen int, gen []int32) {
	w.b.Field(0).(*array.StringBuilder).Append(id)
	w.b.Field(1).(*array.Int64Builder).Append(int64(promptLen))
	lb := w.b.Field(2).(*array.ListBuilder)
	lb.Append(true)
	lb.ValueBuilder().(*array.Int32Builder).AppendValues(gen, nil)
	if w.m.Tokenizer != nil {
		w.b.Field(3).(*array.StringBuilder).Append(w.m.Tokenizer.Decode(gen))
	}
}

func (w *writer) write(path string) error {
	rec := w.b.NewRecordBatch()
	defer rec.Release()
	tw, err := table.Create(path, rec.Schema())
	if err != nil {
		return fmt.Errorf("writing predictions: %w", err)
	}
	if err := tw.Write(rec); err != nil {
		tw.Abort()
		return fmt.Errorf("writing predictions %s: %w", path, err)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("writing predictions %s: %w", path, err)
	}
	return nil
}

func (w *writer) release() { w.b.Release() }
