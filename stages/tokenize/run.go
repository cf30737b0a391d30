package tokenize

import (
	"context"
	"fmt"
	"iter"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/tokenized"
)

// padCandidates are the padding tokens looked for when none is named.
var padCandidates = []string{"<pad>", "[PAD]", "<|pad|>"}

func run(ctx context.Context, cfg *config, env *stages.Env) (map[string]float64, error) {
	tok, err := buildTokenizer(cfg, env)
	if err != nil {
		return nil, err
	}
	tokPath := env.OutPath(PortTokenizer)
	if err := SaveFile(tok, tokPath); err != nil {
		return nil, err
	}
	digest, _, err := artifacts.HashFile(tokPath)
	if err != nil {
		return nil, fmt.Errorf("hashing the tokenizer: %w", err)
	}
	padID, err := padIDOf(tok, cfg)
	if err != nil {
		return nil, err
	}
	shape := cfg.shape
	shape.PadID = padID
	meta := map[string]string{
		tokenized.MetaType:      tok.Type(),
		tokenized.MetaVocabSize: strconv.Itoa(tok.VocabSize()),
		tokenized.MetaPadID:     strconv.Itoa(int(padID)),
		tokenized.MetaDigest:    digest,
	}
	metrics := map[string]float64{"vocab_size": float64(tok.VocabSize())}
	for _, port := range cfg.ports {
		m, err := tokenizeTable(ctx, tok, cfg, shape, meta, env.Inputs[port], env.OutPath(port), env.Progress)
		if err != nil {
			return nil, fmt.Errorf("input %s: %w", port, err)
		}
		for k, v := range m {
			metrics[port+"."+k] = v
		}
	}
	return metrics, nil
}

// padIDOf returns the padding id: the named pad_token's, else that of the
// first of padCandidates the tokenizer has, else -1. Padding without a pad
// id is an error.
func padIDOf(tok Tokenizer, cfg *config) (int32, error) {
	if cfg.padToken != "" {
		id, ok := tok.TokenToID(cfg.padToken)
		if !ok {
			return -1, fmt.Errorf("with.tokenizer.pad_token %q is not in the tokenizer's vocabulary", cfg.padToken)
		}
		return id, nil
	}
	for _, c := range padCandidates {
		if id, ok := tok.TokenToID(c); ok {
			return id, nil
		}
	}
	if cfg.shape.Pad != "" && cfg.shape.Pad != NoPadding {
		return -1, fmt.Errorf("padding needs a pad token: the tokenizer has none of %v; set with.tokenizer.pad_token", padCandidates)
	}
	return -1, nil
}

// buildTokenizer loads or trains the configured tokenizer.
func buildTokenizer(cfg *config, env *stages.Env) (Tokenizer, error) {
	if cfg.typ == TypeFile {
		return Load(cfg.path)
	}
	opts := Options{Type: cfg.typ, VocabSize: cfg.vocabSize, MinFrequency: cfg.minFrequency, Specials: cfg.specials}
	if !NeedsTraining(cfg.typ) {
		return New(opts, nil)
	}
	var readErr error
	texts := columnTexts(env.Inputs[cfg.trainOn], cfg.column, &readErr)
	t, err := New(opts, texts)
	if readErr != nil {
		return nil, fmt.Errorf("reading training input %s: %w", cfg.trainOn, readErr)
	}
	return t, err
}

// columnTexts yields the column's texts of the table at path; a read error
// stops the sequence and is stored in *err.
func columnTexts(path, column string, errp *error) iter.Seq[string] {
	return func(yield func(string) bool) {
		r, err := table.OpenColumns(path, []string{column})
		if err != nil {
			*errp = err
			return
		}
		defer r.Close()
		for rec, err := range r.All() {
			if err != nil {
				*errp = err
				return
			}
			texts, err := stringColumn(rec, column, path)
			if err != nil {
				*errp = err
				return
			}
			for _, s := range texts {
				if !yield(s) {
					return
				}
			}
		}
	}
}

// stringColumn returns the texts of a string column (nulls as "").
func stringColumn(rec arrow.RecordBatch, column, path string) ([]string, error) {
	idx := rec.Schema().FieldIndices(column)
	if len(idx) == 0 {
		return nil, fmt.Errorf("table %s has no column %q", path, column)
	}
	col := rec.Column(idx[0])
	out := make([]string, col.Len())
	switch a := col.(type) {
	case *array.String:
		for i := range out {
			if a.IsValid(i) {
				out[i] = a.Value(i)
			}
		}
	case *array.LargeString:
		for i := range out {
			if a.IsValid(i) {
				out[i] = a.Value(i)
			}
		}
	default:
		return nil, fmt.Errorf("table %s: column %q is %s, not a string", path, column, col.DataType())
	}
	return out, nil
}

// tokenizeTable writes the table at in, with token columns added, to out.
func tokenizeTable(ctx context.Context, tok Tokenizer, cfg *config, shape Shape, meta map[string]string,
	in, out string, progress stages.Progress) (map[string]float64, error) {
	if shape.Pad == PadLongest {
		// The longest sequence of the whole table sets the padded length.
		longest, err := longestSequence(ctx, tok, cfg, shape, in)
		if err != nil {
			return nil, err
		}
		shape.padAtLeast = longest
	}
	r, err := table.Open(in)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	kept, err := cfg.keptColumns(r.Schema(), in)
	if err != nil {
		return nil, err
	}
	schema, err := outputSchema(r.Schema(), kept, cfg, shape, meta)
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", in, err)
	}
	w, err := table.Create(out, schema)
	if err != nil {
		return nil, err
	}
	progress.Start(r.NumRows(), "rows")
	var rows, outRows, tokens, truncated int64
	for rec, err := range r.All() {
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			w.Abort()
			return nil, err
		}
		texts, err := stringColumn(rec, cfg.column, in)
		if err != nil {
			w.Abort()
			return nil, err
		}
		encs := EncodeShaped(tok, texts, shape, 0)
		if err := encodeErr(tok); err != nil {
			w.Abort()
			return nil, fmt.Errorf("encoding table %s: %w", in, err)
		}
		outRec, err := withTokens(ctx, rec, kept, schema, encs, cfg.overflow)
		if err != nil {
			w.Abort()
			return nil, fmt.Errorf("table %s: %w", in, err)
		}
		err = w.Write(outRec)
		outRows += outRec.NumRows()
		outRec.Release()
		if err != nil {
			w.Abort()
			return nil, err
		}
		for _, e := range encs {
			tokens += int64(len(e.IDs))
			if len(e.Overflowing) > 0 {
				truncated++
			}
		}
		rows += int64(len(texts))
		progress.Add(int64(len(texts)))
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return map[string]float64{"rows": float64(rows), "output_rows": float64(outRows),
		"tokens": float64(tokens), "truncated_rows": float64(truncated)}, nil
}

// longestSequence returns the length of the longest (truncated) sequence of a table.
func longestSequence(ctx context.Context, tok Tokenizer, cfg *config, shape Shape, in string) (int, error) {
	var readErr error
	longest := 0
	batch := make([]string, 0, 1024)
	flush := func() {
		s := shape
		s.Pad = NoPadding
		for _, e := range EncodeShaped(tok, batch, s, 0) {
			longest = max(longest, len(e.IDs))
			for _, o := range e.Overflowing {
				longest = max(longest, len(o.IDs))
			}
		}
		batch = batch[:0]
	}
	for s := range columnTexts(in, cfg.column, &readErr) {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		batch = append(batch, s)
		if len(batch) == cap(batch) {
			flush()
		}
	}
	flush()
	if err := encodeErr(tok); err != nil {
		return 0, fmt.Errorf("encoding table %s: %w", in, err)
	}
	return longest, readErr
}

// outputSchema is the kept columns of the input's schema plus the token
// columns and metadata.
func outputSchema(in *arrow.Schema, kept []int, cfg *config, shape Shape, meta map[string]string) (*arrow.Schema, error) {
	fields := make([]arrow.Field, 0, len(kept)+3)
	for _, i := range kept {
		fields = append(fields, in.Field(i))
	}
	add := []arrow.Field{{Name: tokenized.IDs, Type: arrow.ListOf(arrow.PrimitiveTypes.Int32)}}
	if shape.Pad != "" && shape.Pad != NoPadding {
		add = append(add, arrow.Field{Name: tokenized.Mask, Type: arrow.ListOf(arrow.PrimitiveTypes.Int8)})
	}
	if cfg.overflow {
		add = append(add, arrow.Field{Name: tokenized.Window, Type: arrow.PrimitiveTypes.Int32})
	}
	for _, f := range add {
		for _, k := range fields {
			if k.Name == f.Name {
				return nil, fmt.Errorf("the input already has a column %q (leave it out of with.keep_columns)", f.Name)
			}
		}
	}
	fields = append(fields, add...)
	keys, vals := []string{}, []string{}
	if md := in.Metadata(); md.Len() > 0 {
		for i, k := range md.Keys() {
			if _, mine := meta[k]; !mine {
				keys, vals = append(keys, k), append(vals, md.Values()[i])
			}
		}
	}
	for _, k := range []string{tokenized.MetaType, tokenized.MetaVocabSize, tokenized.MetaPadID, tokenized.MetaDigest} {
		keys, vals = append(keys, k), append(vals, meta[k])
	}
	md := arrow.NewMetadata(keys, vals)
	return arrow.NewSchema(fields, &md), nil
}

// withTokens returns the kept columns of rec with the token columns of encs
// appended; with overflow every window is a row of its own, after its
// source row.
func withTokens(ctx context.Context, rec arrow.RecordBatch, kept []int, schema *arrow.Schema, encs []Encoding, overflow bool) (arrow.RecordBatch, error) {
	mem := memory.DefaultAllocator
	hasMask := len(schema.FieldIndices(tokenized.Mask)) > 0
	ids := array.NewListBuilder(mem, arrow.PrimitiveTypes.Int32)
	defer ids.Release()
	idVals := ids.ValueBuilder().(*array.Int32Builder)
	mask := array.NewListBuilder(mem, arrow.PrimitiveTypes.Int8)
	defer mask.Release()
	maskVals := mask.ValueBuilder().(*array.Int8Builder)
	window := array.NewInt32Builder(mem)
	defer window.Release()
	take := array.NewInt64Builder(mem)
	defer take.Release()
	put := func(e Encoding) {
		ids.Append(true)
		idVals.AppendValues(e.IDs, nil)
		if hasMask {
			mask.Append(true)
			maskVals.AppendValues(e.AttentionMask, nil)
		}
	}
	for row, e := range encs {
		put(e)
		if !overflow {
			continue
		}
		take.Append(int64(row))
		window.Append(0)
		for k, o := range e.Overflowing {
			put(o)
			take.Append(int64(row))
			window.Append(int32(k + 1))
		}
	}
	var cols []arrow.Array
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	if overflow {
		idx := take.NewArray()
		defer idx.Release()
		for _, i := range kept {
			t, err := compute.TakeArray(ctx, rec.Column(i), idx)
			if err != nil {
				return nil, fmt.Errorf("repeating rows for overflow windows: %w", err)
			}
			cols = append(cols, t)
		}
	} else {
		for _, i := range kept {
			c := rec.Column(i)
			c.Retain()
			cols = append(cols, c)
		}
	}
	cols = append(cols, ids.NewArray())
	if hasMask {
		cols = append(cols, mask.NewArray())
	}
	if overflow {
		cols = append(cols, window.NewArray())
	}
	return array.NewRecordBatch(schema, cols, int64(cols[len(cols)-1].Len())), nil
}
