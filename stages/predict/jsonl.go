package predict

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/mlpipe/pipeline/stages/train/modelfile"
)

// MaxLineBytes bounds one JSONL input line.
const MaxLineBytes = 1 << 20

// StreamOptions configure PredictJSONL.
type StreamOptions struct {
	// Field names the text field of each input object.
	Field string
	// Batch is the number of lines predicted at once.
	Batch int
	// Sampling is how a language model generates.
	Sampling Sampling
}

// PredictJSONL reads one JSON object per line from r, predicts on its text
// field and writes one JSON object per line to w, in input order, a batch at
// a time: for a classifier {"id"?, "label", "probability", "probs"}, for a
// language model {"id"?, "generated", "generated_ids"}. An input's "id" is
// copied through. Memory is bounded by the batch.
func PredictJSONL(m *Model, r io.Reader, w io.Writer, o StreamOptions) error {
	if m.Tokenizer == nil {
		return fmt.Errorf("the model directory has no tokenizer.json: text cannot be tokenized for it")
	}
	if o.Batch <= 0 {
		return fmt.Errorf("batch size %d: must be positive", o.Batch)
	}
	if m.Meta.Task != modelfile.Classification {
		if err := o.Sampling.Check(); err != nil {
			return err
		}
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLineBytes)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	type item struct {
		id  json.RawMessage
		ids []int32
	}
	var batch []item
	line, done := 0, 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		rows := make([][]int32, len(batch))
		for i, it := range batch {
			rows[i] = it.ids
		}
		outs := make([]map[string]any, len(batch))
		if m.Meta.Task == modelfile.Classification {
			probs, err := m.Classify(rows)
			if err != nil {
				return fmt.Errorf("predicting lines %d-%d: %w", done+1, done+len(batch), err)
			}
			for i, p := range probs {
				best := 0
				named := map[string]float64{}
				for k, v := range p {
					named[m.Meta.Labels[k]] = v
					if v > p[best] {
						best = k
					}
				}
				outs[i] = map[string]any{"label": m.Meta.Labels[best], "probability": p[best], "probs": named}
			}
		} else {
			gen, err := m.Generate(rows, o.Sampling, done)
			if err != nil {
				return fmt.Errorf("generating for lines %d-%d: %w", done+1, done+len(batch), err)
			}
			for i, g := range gen {
				outs[i] = map[string]any{"generated": m.Tokenizer.Decode(g), "generated_ids": g}
			}
		}
		for i, out := range outs {
			if batch[i].id != nil {
				out["id"] = batch[i].id
			}
			if err := enc.Encode(out); err != nil {
				return fmt.Errorf("writing predictions: %w", err)
			}
		}
		done += len(batch)
		batch = batch[:0]
		return bw.Flush()
	}
	for sc.Scan() {
		line++
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
			return fmt.Errorf("line %d: not a JSON object: %w", line, err)
		}
		raw, ok := obj[o.Field]
		if !ok {
			return fmt.Errorf("line %d: no %q field", line, o.Field)
		}
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			return fmt.Errorf("line %d: field %q is not a string", line, o.Field)
		}
		ids := m.Tokenizer.Encode(text)
		if len(ids) == 0 {
			return fmt.Errorf("line %d: field %q tokenizes to nothing", line, o.Field)
		}
		batch = append(batch, item{id: obj["id"], ids: ids})
		if len(batch) == o.Batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("line %d: longer than %d bytes", line+1, MaxLineBytes)
		}
		return fmt.Errorf("reading input: %w", err)
	}
	return flush()
}
