package scan

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/internal/testutil/scancorpus"
	"github.com/mlpipe/pipeline/internal/testutil/tabletest"
)

// repeatedTable writes rows of (id, note, text): note cycles through three
// values, the first holding a secret; text is unique per row, a secret
// every 1,000 rows. It returns the path and the rows holding a secret in
// each column.
func repeatedTable(t testing.TB, rows int) (string, map[string][]int64) {
	t.Helper()
	f := scancorpus.NewFake(11)
	var aws scancorpus.Family
	for _, x := range scancorpus.Families() {
		if x.Name == "github-pat" {
			aws = x
		}
	}
	if aws.Make == nil {
		t.Fatal("no github-pat family in the corpus")
	}
	notes := []string{"shared config: " + aws.Make(f).Render(), "nothing to see here", "ticket closed by ops"}
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "note", Type: arrow.BinaryTypes.String}, {Name: "text", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	want := map[string][]int64{}
	for i := range rows {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.StringBuilder).Append(notes[i%3])
		if i%3 == 0 {
			want["note"] = append(want["note"], int64(i)+1)
		}
		text := fmt.Sprintf("mail %d about the weather", i)
		if i%1000 == 999 {
			text += " " + aws.Make(f).Render()
			want["text"] = append(want["text"], int64(i)+1)
		}
		b.Field(2).(*array.StringBuilder).Append(text)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "data.parquet")
	tabletest.Write(t, path, rec)
	return path, want
}

// TestScanTableDictionaries checks that a dictionary-encoded column, whose
// repeated values are scanned once a batch, reports what scanning every cell
// reports: the same findings on the same rows, the same bytes.
func TestScanTableDictionaries(t *testing.T) {
	path, want := repeatedTable(t, 9000)
	d, err := table.OpenDictionaries(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := d.Schema().Field(1).Type.(*arrow.DictionaryType); !ok {
		t.Fatalf("the note column is not read as a dictionary (%s): the test does not exercise it", d.Schema().Field(1).Type)
	}
	d.Close()
	s := New(Options{})
	got, err := s.ScanTable(context.Background(), "data.parquet", path)
	if err != nil {
		t.Fatal(err)
	}
	// The reference: every cell scanned, through the plain reader.
	plain := &Report{}
	r, err := table.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := s.scanRecords(context.Background(), "data.parquet", r.Next, plain); err != nil {
		t.Fatal(err)
	}
	plain.finish()
	rows := map[string][]int64{}
	for _, f := range got.Findings {
		rows[f.Column] = append(rows[f.Column], f.Line)
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("findings on rows %v, want %v", rows, want)
	}
	if !reflect.DeepEqual(got.Findings, plain.Findings) || got.Bytes != plain.Bytes {
		t.Errorf("dictionary scan: %d findings, %d bytes; every cell: %d findings, %d bytes",
			len(got.Findings), got.Bytes, len(plain.Findings), plain.Bytes)
	}
}

// TestAddDictionary checks that a batch holds each dictionary entry once,
// with the rows repeating it.
func TestAddDictionary(t *testing.T) {
	mem := memory.DefaultAllocator
	bld := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String})
	defer bld.Release()
	sb := bld.(*array.BinaryDictionaryBuilder)
	for _, v := range []string{"a", "b", "a", "", "a", "b"} {
		if err := sb.AppendString(v); err != nil {
			t.Fatal(err)
		}
	}
	sb.AppendNull()
	arr := bld.NewArray().(*array.Dictionary)
	defer arr.Release()
	batch := &cellBatch{}
	addDictionary(batch, arr, "note", 100)
	if len(batch.spans) != 2 || string(batch.buf) != "a\nb\n" {
		t.Fatalf("spans %+v, buffer %q: want a and b once each", batch.spans, batch.buf)
	}
	if a, b := batch.spans[0], batch.spans[1]; a.line != 101 || !reflect.DeepEqual(a.more, []int64{103, 105}) ||
		b.line != 102 || !reflect.DeepEqual(b.more, []int64{106}) || batch.repeated != 6 {
		t.Errorf("spans %+v, repeated %d", batch.spans, batch.repeated)
	}
}

// BenchmarkScanTableRepeated scans a table whose note column repeats three
// long values (dictionary-encoded) beside unique texts.
func BenchmarkScanTableRepeated(b *testing.B) {
	path, _ := repeatedTable(b, 100000)
	s := New(Options{})
	for b.Loop() {
		if _, err := s.ScanTable(context.Background(), "data.parquet", path); err != nil {
			b.Fatal(err)
		}
	}
}
