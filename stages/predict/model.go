package predict

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	tokhf "github.com/mlpipe/pipeline/stages/tokenize/hf"
	"github.com/mlpipe/pipeline/stages/train/backend"
	"github.com/mlpipe/pipeline/stages/train/engine"
	"github.com/mlpipe/pipeline/stages/train/hf"
	"github.com/mlpipe/pipeline/stages/train/modelfile"
)

// Model is a train stage's model output, ready to predict with in batches of
// a fixed number of rows. It is not safe for concurrent use.
type Model struct {
	// Runnable is the loaded model artifact.
	*modelfile.Runnable
	// Dir is the model directory.
	Dir string
	// Tokenizer is the model directory's tokenizer.json, nil when it has none
	// (an engine-native model usually has none).
	Tokenizer *tokhf.Tokenizer
	shape     Shape
	predictor *engine.Predictor
}

// OpenModel loads the model output in dir (engine-native, or a Hugging Face
// directory with model.json beside it) and places its weights on the named
// backend, to run batches of batch rows.
func OpenModel(dir, backendName string, batch int) (*Model, error) {
	if batch <= 0 {
		return nil, fmt.Errorf("opening model %s: batch size %d: must be positive", dir, batch)
	}
	r, err := modelfile.Open(dir)
	if err != nil {
		return nil, err
	}
	switch r.Meta.Task {
	case modelfile.Classification:
		if r.Classes != len(r.Meta.Labels) || r.Classes == 0 {
			return nil, fmt.Errorf("opening model %s: %d classes but %d labels in %s", dir, r.Classes, len(r.Meta.Labels), modelfile.MetaFile)
		}
	case modelfile.LanguageModeling:
	default:
		return nil, fmt.Errorf("opening model %s: task %q: want %s or %s", dir, r.Meta.Task, modelfile.Classification, modelfile.LanguageModeling)
	}
	if r.SeqLen <= 0 {
		return nil, fmt.Errorf("opening model %s: sequence length %d", dir, r.SeqLen)
	}
	m := &Model{Runnable: r, Dir: dir, shape: Shape{Rows: batch, SeqLen: r.SeqLen, Vocab: r.Meta.Model.VocabSize}}
	tp := filepath.Join(dir, hf.TokenizerFile)
	if st, err := os.Stat(tp); err == nil && st.Mode().IsRegular() {
		if m.Tokenizer, err = tokhf.LoadFile(tp); err != nil {
			return nil, fmt.Errorf("loading the tokenizer of model %s: %w", dir, err)
		}
	}
	b, err := backend.Open(backendName)
	if err != nil {
		return nil, fmt.Errorf("opening model %s: %w", dir, err)
	}
	if m.predictor, err = engine.NewPredictor(b, r.Net, r.Specs, r.Values); err != nil {
		return nil, fmt.Errorf("opening model %s: %w", dir, err)
	}
	return m, nil
}

// Close frees the model's weights on the backend.
func (m *Model) Close() { m.predictor.Close() }

// Classifier reports whether the model is a classifier (else a language model).
func (m *Model) Classifier() bool { return m.Meta.Task == modelfile.Classification }

// Vocab is the model's vocabulary size (0 when model.json does not say).
func (m *Model) Vocab() int { return m.shape.Vocab }

// Encode tokenizes text with the model's tokenizer.json as the tokenize stage
// does: for a classifier, the text's tokens cut to fit SeqLen with the
// post-processor's special tokens; for a language model, all its tokens (the
// prompt; generation keeps its last SeqLen). The file's own padding is not
// applied. It fails when the model directory has no tokenizer.json.
func (m *Model) Encode(text string) ([]int32, error) {
	if m.Tokenizer == nil {
		return nil, fmt.Errorf("model %s has no %s: text cannot be tokenized for it (tokenize it as its training data was, and run a predict stage)",
			m.Dir, hf.TokenizerFile)
	}
	bare := m.Tokenizer.EncodeBare(text)
	if m.Classifier() {
		bare = bare[:min(len(bare), max(m.SeqLen-m.Tokenizer.SpecialCount(), 1))]
	}
	ids := m.Tokenizer.AddSpecial(bare)
	if m.Classifier() && len(ids) > m.SeqLen {
		ids = ids[:m.SeqLen]
	}
	return ids, nil
}

// Classify returns each row's class probabilities (the softmax of the
// logits, in float64, in the order of Meta.Labels). A row longer than SeqLen
// keeps its first SeqLen tokens, as in evaluation. first is the index of
// rows[0] among all rows, for errors.
func (m *Model) Classify(rows [][]int32, first int) ([][]float64, error) {
	if !m.Classifier() {
		return nil, fmt.Errorf("model %s is a language model, not a classifier", m.Dir)
	}
	cut := make([][]int32, len(rows))
	for i, r := range rows {
		cut[i] = r[:min(len(r), m.SeqLen)]
	}
	if err := m.shape.check(cut, first); err != nil {
		return nil, err
	}
	out := make([][]float64, 0, len(rows))
	for start := 0; start < len(cut); start += m.shape.Rows {
		end := min(start+m.shape.Rows, len(cut))
		ids, mask, seq := m.shape.pack(cut[start:end])
		logits, dims, err := m.predictor.Run(ids, mask, m.shape.Rows, seq)
		if err != nil {
			return nil, fmt.Errorf("classifying rows %d-%d: %w", first+start, first+end-1, err)
		}
		if len(dims) != 2 || dims[0] != m.shape.Rows || dims[1] != m.Classes {
			return nil, fmt.Errorf("classifying rows %d-%d: logits of shape %v, want [%d %d]", first+start, first+end-1, dims, m.shape.Rows, m.Classes)
		}
		for i := range end - start {
			out = append(out, engine.Softmax(logits[i*m.Classes:(i+1)*m.Classes]))
		}
	}
	return out, nil
}

// Generate continues each prompt with Generate on the model's forward pass;
// first is the index of prompts[0] among all rows (it selects their random
// streams).
func (m *Model) Generate(ctx context.Context, prompts [][]int32, s Sampling, first int) ([][]int32, error) {
	if m.Classifier() {
		return nil, fmt.Errorf("model %s is a classifier, not a language model", m.Dir)
	}
	if s.StopID != NoStop && m.shape.Vocab > 0 && s.StopID >= int64(m.shape.Vocab) {
		return nil, &ParamError{"stop_at_eos", s.StopID, fmt.Sprintf("outside the model's vocabulary of %d", m.shape.Vocab)}
	}
	return Generate(ctx, m.predictor.Run, prompts, m.shape, s, first)
}

// Predicted returns the index of the most likely class (the first of equals).
func Predicted(probs []float64) int {
	best := 0
	for i, p := range probs {
		if p > probs[best] {
			best = i
		}
	}
	return best
}
