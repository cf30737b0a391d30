package data

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages/tokenized"
)

// WriteTable writes a tokenized table: input_ids, attention_mask and, when
// labels is not nil, a string label column named label, with the tokenizer
// in the schema metadata. Tests and tools use it to make inputs.
func WriteTable(path string, rows [][]int32, label string, labels []string, tk Tokenizer) error {
	md := arrow.NewMetadata(
		[]string{tokenized.MetaType, tokenized.MetaVocabSize, tokenized.MetaPadID, tokenized.MetaDigest},
		[]string{tk.Type, strconv.Itoa(tk.VocabSize), strconv.Itoa(tk.PadID), tk.Digest})
	fields := []arrow.Field{
		{Name: tokenized.IDs, Type: arrow.ListOf(arrow.PrimitiveTypes.Int32)},
		{Name: tokenized.Mask, Type: arrow.ListOf(arrow.PrimitiveTypes.Int8)},
	}
	if labels != nil {
		fields = append(fields, arrow.Field{Name: label, Type: arrow.BinaryTypes.String})
	}
	schema := arrow.NewSchema(fields, &md)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	ids := b.Field(0).(*array.ListBuilder)
	mask := b.Field(1).(*array.ListBuilder)
	for i, r := range rows {
		ids.Append(true)
		mask.Append(true)
		for _, id := range r {
			ids.ValueBuilder().(*array.Int32Builder).Append(id)
			mask.ValueBuilder().(*array.Int8Builder).Append(1)
		}
		if labels != nil {
			b.Field(2).(*array.StringBuilder).Append(labels[i])
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	w, err := table.Create(path, schema)
	if err != nil {
		return fmt.Errorf("writing tokenized table: %w", err)
	}
	if err := w.Write(rec); err != nil {
		w.Abort()
		return fmt.Errorf("writing tokenized table %s: %w", path, err)
	}
	return w.Close()
}
