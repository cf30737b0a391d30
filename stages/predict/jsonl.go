package predict

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxLineBytes bounds one JSONL input line (its end of line not counted).
const MaxLineBytes = 1 << 20

// StreamOptions configure PredictJSONL.
type StreamOptions struct {
	// Field names the text field of each input object.
	Field string
	// Sampling is how a language model generates.
	Sampling Sampling
}

// classLine is a classifier's output line.
type classLine struct {
	ID          json.RawMessage    `json:"id,omitempty"`
	Label       string             `json:"label"`
	Probability float64            `json:"probability"`
	Probs       map[string]float64 `json:"probs"`
}

// generatedLine is a language model's output line.
type generatedLine struct {
	ID           json.RawMessage `json:"id,omitempty"`
	Generated    string          `json:"generated"`
	GeneratedIDs []int32         `json:"generated_ids"`
}

// pending is an input line waiting in the batch.
type pending struct {
	id  json.RawMessage
	ids []int32
}

// PredictJSONL reads one JSON object per line from r, tokenizes its
// o.Field string with the model's tokenizer.json (Model.Encode), predicts a
// batch of the model's batch size at a time, and writes one JSON object per
// input line to w, in input order, each batch flushed as soon as it is done:
// for a classifier {"id", "label", "probability", "probs": {label: p}}, for a
// language model {"id", "generated", "generated_ids"}, "id" being the input
// object's own "id" when it has one. Blank lines are skipped; the k-th other
// line (from 0) draws from RowRand(seed, k), so a generation depends neither
// on the batch size nor on blank lines. A line longer than MaxLineBytes, not
// a JSON object, or without a string o.Field is an error naming its line
// number, returned once the lines before it are written. Memory is bounded
// by a batch and a line.
func PredictJSONL(ctx context.Context, m *Model, r io.Reader, w io.Writer, o StreamOptions) error {
	if m.Tokenizer == nil {
		_, err := m.Encode("")
		return err
	}
	if !m.Classifier() {
		if err := o.Sampling.Check(); err != nil {
			return err
		}
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	batch := make([]pending, 0, m.shape.Rows)
	done := 0 // non-blank lines written
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := writeBatch(ctx, m, enc, batch, o.Sampling, done); err != nil {
			return err
		}
		done += len(batch)
		batch = batch[:0]
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("writing predictions: %w", err)
		}
		return nil
	}
	lines := lineReader{r: bufio.NewReaderSize(r, 64<<10)}
	for n := 1; ; n++ {
		line, err := lines.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil {
			var p *pending
			if p, err = parseLine(m, line, o.Field); err == nil && p == nil {
				continue // a blank line
			}
			if err == nil {
				batch = append(batch, *p)
				if len(batch) == m.shape.Rows {
					if err := flush(); err != nil {
						return err
					}
				}
				continue
			}
		}
		if ferr := flush(); ferr != nil {
			return ferr
		}
		if errors.Is(err, errLongLine) {
			return fmt.Errorf("line %d: longer than %d bytes", n, MaxLineBytes)
		}
		var bad badLine
		if errors.As(err, &bad) {
			return fmt.Errorf("line %d: %w", n, err)
		}
		return fmt.Errorf("reading input line %d: %w", n, err)
	}
	return flush()
}

// badLine is what is wrong with an input line.
type badLine string

// Error implements error.
func (b badLine) Error() string { return string(b) }

func badf(format string, args ...any) error { return badLine(fmt.Sprintf(format, args...)) }

// parseLine reads one input line; it returns nil for a blank line.
func parseLine(m *Model, line []byte, field string) (*pending, error) {
	if len(bytes.TrimSpace(line)) == 0 {
		return nil, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil || obj == nil {
		if err == nil {
			err = errors.New("null")
		}
		return nil, badf("not a JSON object: %v", err)
	}
	raw, ok := obj[field]
	if !ok {
		return nil, badf("no %q field", field)
	}
	var text string
	if err := json.Unmarshal(raw, &text); err != nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, badf("field %q is not a string", field)
	}
	ids, err := m.Encode(text)
	if err != nil {
		return nil, badf("%v", err)
	}
	if len(ids) == 0 {
		return nil, badf("field %q has no tokens", field)
	}
	for _, id := range ids {
		if v := m.Vocab(); v > 0 && int(id) >= v {
			return nil, badf("the tokenizer gives id %d, outside the model's vocabulary of %d", id, v)
		}
	}
	return &pending{id: obj["id"], ids: ids}, nil
}

// writeBatch predicts on a batch and writes its lines; first is the number
// of non-blank lines before it.
func writeBatch(ctx context.Context, m *Model, enc *json.Encoder, batch []pending, s Sampling, first int) error {
	rows := make([][]int32, len(batch))
	for i, p := range batch {
		rows[i] = p.ids
	}
	if m.Classifier() {
		probs, err := m.Classify(rows, first)
		if err != nil {
			return err
		}
		for i, p := range probs {
			best := Predicted(p)
			named := make(map[string]float64, len(p))
			for k, v := range p {
				named[m.Meta.Labels[k]] = v
			}
			if err := enc.Encode(classLine{ID: batch[i].id, Label: m.Meta.Labels[best], Probability: p[best], Probs: named}); err != nil {
				return fmt.Errorf("writing predictions: %w", err)
			}
		}
		return nil
	}
	gen, err := m.Generate(ctx, rows, s, first)
	if err != nil {
		return err
	}
	for i, g := range gen {
		if err := enc.Encode(generatedLine{ID: batch[i].id, Generated: m.Tokenizer.Decode(g), GeneratedIDs: g}); err != nil {
			return fmt.Errorf("writing predictions: %w", err)
		}
	}
	return nil
}

// errLongLine is a line longer than MaxLineBytes.
var errLongLine = errors.New("line too long")

// lineReader splits its input into lines of at most MaxLineBytes, holding
// no more than one line.
type lineReader struct {
	r   *bufio.Reader
	buf []byte
}

// next returns the next line without its end of line (valid until the next
// call), io.EOF after the last, or errLongLine.
func (l *lineReader) next() ([]byte, error) {
	l.buf = l.buf[:0]
	for {
		chunk, err := l.r.ReadSlice('\n')
		l.buf = append(l.buf, chunk...)
		if len(l.buf) > MaxLineBytes+2 { // + "\r\n"
			return nil, errLongLine
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			if len(l.buf) == 0 {
				return nil, io.EOF
			}
			break
		}
		if err != nil {
			return nil, err
		}
		break
	}
	line := bytes.TrimSuffix(l.buf, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > MaxLineBytes {
		return nil, errLongLine
	}
	return line, nil
}
