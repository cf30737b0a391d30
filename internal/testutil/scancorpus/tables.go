package scancorpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/mlpipe/pipeline/artifacts/table"
)

// row is one record of a table file: a text field that may hold an item, and
// a list of tags that may hold one too.
type row struct {
	text string
	tags []string
}

// tableRows turns items (and decoys) into rows and labels (Line is the row,
// Column the field; CSV lines are fixed up by the CSV writer).
func tableRows(f *Fake, items []Item, decoys []Decoy) ([]row, []Label, []int) {
	var rows []row
	var labels []Label
	var itemLine []int // for each label, the 0-based line of the secret within its field
	for _, it := range items {
		r := row{text: f.Filler(), tags: []string{"train"}}
		col := "text"
		if f.Intn(3) == 0 {
			r.tags = append(r.tags, it.Text)
			col = fmt.Sprintf("tags[%d]", len(r.tags)-1)
		} else {
			r.text = it.Text
		}
		rows = append(rows, r)
		for _, p := range it.Secrets {
			labels = append(labels, Label{Line: int64(len(rows)), Column: col, Kind: p.Kind, SHA256: Sum(p.Value)})
			itemLine = append(itemLine, p.Line)
		}
		if len(decoys) > 0 {
			dc := decoys[f.Intn(len(decoys))]
			if !dc.Code {
				rows = append(rows, row{text: dc.Text, tags: []string{"val"}})
			}
		}
	}
	return rows, labels, itemLine
}

// jsonlBytes writes rows as JSONL; a label's line is its record's line and its
// column the JSON path of the field.
func jsonlBytes(rows []row, labels []Label) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for i, r := range rows {
		enc.Encode(map[string]any{"id": i + 1, "text": r.text, "meta": map[string]any{"tags": r.tags}})
	}
	for i := range labels {
		if strings.HasPrefix(labels[i].Column, "tags") {
			labels[i].Column = "meta." + labels[i].Column
		}
	}
	return b.Bytes()
}

// csvBytes writes rows as CSV (every field quoted, multi-line fields kept);
// a label's line becomes the line of the file its secret is on.
func csvBytes(rows []row, labels []Label, itemLine []int) []byte {
	var b bytes.Buffer
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	b.WriteString("id,text,tags\n")
	line := 2
	textLine := make([]int, len(rows))
	tagsLine := make([]int, len(rows))
	for i, r := range rows {
		textLine[i] = line
		tagsLine[i] = line + strings.Count(r.text, "\n")
		tags := strings.Join(r.tags, "|")
		rec := fmt.Sprintf("%d,%s,%s\n", i+1, quote(r.text), quote(tags))
		b.WriteString(rec)
		line += strings.Count(rec, "\n")
	}
	for i := range labels {
		r := labels[i].Line - 1
		if labels[i].Column == "text" {
			labels[i].Line = int64(textLine[r] + itemLine[i])
		} else {
			// tags are joined with "|": the item follows the earlier tags.
			before := strings.Join(rows[r].tags[:len(rows[r].tags)-1], "|")
			labels[i].Line = int64(tagsLine[r] + strings.Count(before, "\n") + itemLine[i])
			labels[i].Column = "tags"
		}
	}
	return b.Bytes()
}

// writeParquet writes rows as a Parquet table (id, text, tags list<string>).
func writeParquet(path string, rows []row) error {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "text", Type: arrow.BinaryTypes.String},
		{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String)},
	}, nil)
	bld := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer bld.Release()
	ids := bld.Field(0).(*array.Int64Builder)
	texts := bld.Field(1).(*array.StringBuilder)
	tags := bld.Field(2).(*array.ListBuilder)
	tagv := tags.ValueBuilder().(*array.StringBuilder)
	for i, r := range rows {
		ids.Append(int64(i + 1))
		texts.Append(r.text)
		tags.Append(true)
		for _, t := range r.tags {
			tagv.Append(t)
		}
	}
	rec := bld.NewRecordBatch()
	defer rec.Release()
	w, err := table.Create(path, schema)
	if err != nil {
		return err
	}
	if err := w.Write(rec); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}
