// Package data turns tokenized tables into the fixed-shape batches a training
// or an evaluation consumes: classification rows padded to one length, and
// language-model token streams packed into windows, in a seeded order that
// depends only on the seed and the position in the stream.
package data

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages/tokenized"
)

// Tokenizer describes the tokenizer a table was made with.
type Tokenizer struct {
	Type      string `json:"type"`
	VocabSize int    `json:"vocab_size"`
	PadID     int    `json:"pad_id"`
	Digest    string `json:"digest"`
}

// Table is a tokenized table in memory: each row's real tokens (padding
// removed) and, when asked for, its label.
type Table struct {
	// Path is the file the table came from.
	Path string
	// Rows are the token ids of each row, without padding.
	Rows [][]int32
	// Labels are the rows' labels as text ("" when no label column was read).
	Labels []string
	// NumericLabels is true when the label column is an integer column.
	NumericLabels bool
	// Tokenizer comes from the schema metadata.
	Tokenizer Tokenizer
}

// Load reads a tokenized table. label names the label column ("" for none).
func Load(path, label string) (*Table, error) {
	t := &Table{Path: path}
	var withMask bool
	// One open: the columns to read follow from the schema.
	r, err := table.OpenSelected(path, func(schema *arrow.Schema) ([]string, error) {
		var err error
		if t.Tokenizer, err = tokenizerOf(schema); err != nil {
			return nil, fmt.Errorf("table %s: %w", path, err)
		}
		names := make([]string, 0, schema.NumFields())
		for _, f := range schema.Fields() {
			names = append(names, f.Name)
		}
		has := func(n string) bool { return len(schema.FieldIndices(n)) > 0 }
		if !has(tokenized.IDs) {
			return nil, fmt.Errorf("table %s has no column %q (columns: %s): is it the output of a tokenize stage?",
				path, tokenized.IDs, strings.Join(names, ", "))
		}
		cols := []string{tokenized.IDs}
		if withMask = has(tokenized.Mask); withMask {
			cols = append(cols, tokenized.Mask)
		}
		if label != "" {
			if !has(label) {
				return nil, fmt.Errorf("table %s has no label column %q (columns: %s)", path, label, strings.Join(names, ", "))
			}
			cols = append(cols, label)
		}
		return cols, nil
	})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	for rec, err := range r.All() {
		if err != nil {
			return nil, err
		}
		if err := t.add(rec, withMask, label); err != nil {
			return nil, fmt.Errorf("table %s: %w", path, err)
		}
	}
	return t, nil
}

func tokenizerOf(schema *arrow.Schema) (Tokenizer, error) {
	md := schema.Metadata()
	get := func(k string) (string, bool) {
		i := md.FindKey(k)
		if i < 0 {
			return "", false
		}
		return md.Values()[i], true
	}
	var tk Tokenizer
	tk.Type, _ = get(tokenized.MetaType)
	tk.Digest, _ = get(tokenized.MetaDigest)
	vs, ok := get(tokenized.MetaVocabSize)
	if !ok {
		return tk, fmt.Errorf("schema metadata lacks %q: is it the output of a tokenize stage?", tokenized.MetaVocabSize)
	}
	v, err := strconv.Atoi(vs)
	if err != nil || v <= 0 {
		return tk, fmt.Errorf("schema metadata %s = %q: want a positive integer", tokenized.MetaVocabSize, vs)
	}
	tk.VocabSize = v
	tk.PadID = -1
	if ps, ok := get(tokenized.MetaPadID); ok && ps != "" {
		p, err := strconv.Atoi(ps)
		if err != nil {
			return tk, fmt.Errorf("schema metadata %s = %q: want an integer", tokenized.MetaPadID, ps)
		}
		tk.PadID = p
	}
	return tk, nil
}

func (t *Table) add(rec arrow.RecordBatch, withMask bool, label string) error {
	ids, err := intLists(rec.Column(0), tokenized.IDs)
	if err != nil {
		return err
	}
	var mask [][]int32
	next := 1
	if withMask {
		if mask, err = intLists(rec.Column(1), tokenized.Mask); err != nil {
			return err
		}
		next = 2
	}
	base := len(t.Rows)
	for i, row := range ids {
		kept := make([]int32, 0, len(row))
		for j, id := range row {
			if mask != nil {
				if j < len(mask[i]) && mask[i][j] == 0 {
					continue
				}
			} else if t.Tokenizer.PadID >= 0 && id == int32(t.Tokenizer.PadID) {
				continue
			}
			if id < 0 || int(id) >= t.Tokenizer.VocabSize {
				return fmt.Errorf("row %d: token id %d outside the vocabulary of %d", base+i, id, t.Tokenizer.VocabSize)
			}
			kept = append(kept, id)
		}
		t.Rows = append(t.Rows, kept)
	}
	if label == "" {
		return nil
	}
	labels, numeric, err := labelStrings(rec.Column(next), label)
	if err != nil {
		return err
	}
	t.NumericLabels = numeric
	t.Labels = append(t.Labels, labels...)
	return nil
}

// intLists reads a list<integer> column.
func intLists(col arrow.Array, name string) ([][]int32, error) {
	var offsets func(i int) (int, int)
	var values arrow.Array
	switch c := col.(type) {
	case *array.List:
		values = c.ListValues()
		offsets = func(i int) (int, int) { s, e := c.ValueOffsets(i); return int(s), int(e) }
	case *array.LargeList:
		values = c.ListValues()
		offsets = func(i int) (int, int) { s, e := c.ValueOffsets(i); return int(s), int(e) }
	default:
		return nil, fmt.Errorf("column %q is %s, want a list of integers", name, col.DataType())
	}
	var at func(j int) int32
	switch v := values.(type) {
	case *array.Int32:
		at = func(j int) int32 { return v.Value(j) }
	case *array.Int64:
		at = func(j int) int32 { return int32(v.Value(j)) }
	case *array.Int16:
		at = func(j int) int32 { return int32(v.Value(j)) }
	case *array.Int8:
		at = func(j int) int32 { return int32(v.Value(j)) }
	case *array.Uint8:
		at = func(j int) int32 { return int32(v.Value(j)) }
	case *array.Uint16:
		at = func(j int) int32 { return int32(v.Value(j)) }
	case *array.Uint32:
		at = func(j int) int32 { return int32(v.Value(j)) }
	case *array.Boolean:
		at = func(j int) int32 {
			if v.Value(j) {
				return 1
			}
			return 0
		}
	default:
		return nil, fmt.Errorf("column %q holds %s, want integers", name, values.DataType())
	}
	out := make([][]int32, col.Len())
	for i := range out {
		if col.IsNull(i) {
			continue
		}
		s, e := offsets(i)
		row := make([]int32, e-s)
		for j := range row {
			row[j] = at(s + j)
		}
		out[i] = row
	}
	return out, nil
}

// labelStrings reads a string or integer label column as text.
func labelStrings(col arrow.Array, name string) ([]string, bool, error) {
	out := make([]string, col.Len())
	numeric := false
	for i := range out {
		if col.IsNull(i) {
			return nil, false, fmt.Errorf("label column %q is null in row %d", name, i)
		}
	}
	switch c := col.(type) {
	case *array.String:
		for i := range out {
			out[i] = c.Value(i)
		}
	case *array.LargeString:
		for i := range out {
			out[i] = c.Value(i)
		}
	case *array.Boolean:
		for i := range out {
			out[i] = strconv.FormatBool(c.Value(i))
		}
	case *array.Int64:
		numeric = true
		for i := range out {
			out[i] = strconv.FormatInt(c.Value(i), 10)
		}
	case *array.Int32:
		numeric = true
		for i := range out {
			out[i] = strconv.FormatInt(int64(c.Value(i)), 10)
		}
	case *array.Int16:
		numeric = true
		for i := range out {
			out[i] = strconv.FormatInt(int64(c.Value(i)), 10)
		}
	case *array.Int8:
		numeric = true
		for i := range out {
			out[i] = strconv.FormatInt(int64(c.Value(i)), 10)
		}
	case *array.Uint8:
		numeric = true
		for i := range out {
			out[i] = strconv.FormatUint(uint64(c.Value(i)), 10)
		}
	default:
		return nil, false, fmt.Errorf("label column %q is %s, want a string or an integer", name, col.DataType())
	}
	return out, numeric, nil
}

// LabelSet returns the distinct labels, sorted (numerically for integer labels).
func (t *Table) LabelSet() []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range t.Labels {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	SortLabels(out, t.NumericLabels)
	return out
}

// SortLabels sorts labels as text, or numerically when numeric.
func SortLabels(labels []string, numeric bool) {
	sort.Slice(labels, func(i, j int) bool {
		if numeric {
			a, _ := strconv.ParseInt(labels[i], 10, 64)
			b, _ := strconv.ParseInt(labels[j], 10, 64)
			return a < b
		}
		return labels[i] < labels[j]
	})
}

// MaxLen returns the length of the longest row.
func (t *Table) MaxLen() int {
	m := 0
	for _, r := range t.Rows {
		m = max(m, len(r))
	}
	return m
}

// Tokens returns the number of tokens in all rows.
func (t *Table) Tokens() int64 {
	var n int64
	for _, r := range t.Rows {
		n += int64(len(r))
	}
	return n
}
