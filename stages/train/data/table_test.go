package data

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/mlpipe/pipeline/artifacts/table"
)

func TestLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.parquet")
	tk := Tokenizer{Type: "bpe", VocabSize: 10, PadID: 0, Digest: "xxh3:ab"}
	rows := [][]int32{{3, 4, 5}, {6}, {}}
	if err := WriteTable(path, rows, "label", []string{"b", "a", "b"}, tk); err != nil {
		t.Fatal(err)
	}
	tbl, err := Load(path, "label")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tbl.Tokenizer, tk) {
		t.Errorf("tokenizer %+v, want %+v", tbl.Tokenizer, tk)
	}
	if len(tbl.Rows) != 3 || !reflect.DeepEqual(tbl.Rows[0], []int32{3, 4, 5}) || len(tbl.Rows[2]) != 0 {
		t.Errorf("rows %v", tbl.Rows)
	}
	if got := tbl.LabelSet(); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("label set %v", got)
	}
	if tbl.MaxLen() != 3 || tbl.Tokens() != 4 {
		t.Errorf("MaxLen %d Tokens %d", tbl.MaxLen(), tbl.Tokens())
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.parquet")
	if err := WriteTable(path, [][]int32{{1}}, "label", []string{"x"}, Tokenizer{VocabSize: 4, PadID: -1}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, label, want string
	}{
		{"missing label column", "category", `no label column "category"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(path, tc.label)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	bad := filepath.Join(dir, "bad.parquet")
	if err := WriteTable(bad, [][]int32{{9}}, "", nil, Tokenizer{VocabSize: 4, PadID: -1}); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad, ""); err == nil || !strings.Contains(err.Error(), "outside the vocabulary") {
		t.Fatalf("Load of an out-of-vocabulary id = %v", err)
	}
}

// BenchmarkLoad loads a tokenized table shaped like the quickstart's
// training split (4,837 mails of 256 ids, with their text kept beside the
// ids, as `keep_columns: ["*"]` gives): Load reads the ids and the label,
// never the text.
func BenchmarkLoad(b *testing.B) {
	const rows = 4837
	path := filepath.Join(b.TempDir(), "train.parquet")
	tk := Tokenizer{Type: "bpe", VocabSize: 4096, PadID: 0, Digest: "xxh3:ab"}
	ids := make([][]int32, rows)
	labels := make([]string, rows)
	for i := range ids {
		ids[i] = make([]int32, 256)
		for j := range ids[i] {
			ids[i][j] = int32((i*31 + j*7) % 4096)
		}
		labels[i] = []string{"ham", "spam"}[i%2]
	}
	plain := filepath.Join(b.TempDir(), "plain.parquet")
	if err := WriteTable(plain, ids, "label", labels, tk); err != nil {
		b.Fatal(err)
	}
	withText(b, plain, path)
	b.ResetTimer()
	for b.Loop() {
		t, err := Load(path, "label")
		if err != nil {
			b.Fatal(err)
		}
		if len(t.Rows) != rows {
			b.Fatalf("%d rows", len(t.Rows))
		}
	}
}

// withText copies the table at in to out with a 2 KB text column added.
func withText(b *testing.B, in, out string) {
	r, err := table.Open(in)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	s := r.Schema()
	md := s.Metadata()
	schema := arrow.NewSchema(append(s.Fields(), arrow.Field{Name: "text", Type: arrow.BinaryTypes.String}), &md)
	w, err := table.Create(out, schema)
	if err != nil {
		b.Fatal(err)
	}
	row := 0
	for {
		rec, err := r.Next()
		if err != nil {
			break
		}
		tb := array.NewStringBuilder(memory.DefaultAllocator)
		for i := 0; i < int(rec.NumRows()); i++ {
			tb.Append(fmt.Sprintf("mail %d: ", row) + strings.Repeat(fmt.Sprintf("word%d ", row%97), 300))
			row++
		}
		text := tb.NewArray()
		cols := append(append([]arrow.Array{}, rec.Columns()...), text)
		outRec := array.NewRecordBatch(schema, cols, rec.NumRows())
		if err := w.Write(outRec); err != nil {
			b.Fatal(err)
		}
		outRec.Release()
		text.Release()
		tb.Release()
		rec.Release()
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}
