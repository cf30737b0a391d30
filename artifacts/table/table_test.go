package table

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/mlpipe/pipeline/internal/testutil"
)

// sampleSchema has the column types stages pass around: text, labels,
// numbers, flags and token lists, plus schema metadata.
func sampleSchema() *arrow.Schema {
	md := arrow.NewMetadata([]string{"tokenizer.vocab_size", "source"}, []string{"4096", "test"})
	return arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "text", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "ok", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "tokens", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32), Nullable: true},
	}, &md)
}

// sampleBatch builds rows [start, start+n) of a deterministic table.
func sampleBatch(t testing.TB, schema *arrow.Schema, start, n int) arrow.RecordBatch {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i := start; i < start+n; i++ {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		if i%7 == 3 {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append(strings.Repeat("w", i%5) + ",\"quoted\"\n<é>")
		}
		if i%5 == 4 {
			b.Field(2).AppendNull()
		} else {
			b.Field(2).(*array.Float64Builder).Append(float64(i) / 4)
		}
		b.Field(3).(*array.BooleanBuilder).Append(i%2 == 0)
		lb := b.Field(4).(*array.ListBuilder)
		lb.Append(true)
		for k := range i % 4 {
			lb.ValueBuilder().(*array.Int32Builder).Append(int32(i + k))
		}
	}
	return b.NewRecordBatch()
}

// writeSample writes rows [0, n) in batches of size batch.
func writeSample(t testing.TB, path string, n, batch int) {
	t.Helper()
	s := sampleSchema()
	w, err := Create(path, s)
	if err != nil {
		t.Fatal(err)
	}
	for start := 0; start < n; start += batch {
		rec := sampleBatch(t, s, start, min(batch, n-start))
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestRoundTrip(t *testing.T) {
	cases := []struct {
		name     string
		rows     int
		batch    int
		wantRGs  int
		wantNext int // batches returned by Next
	}{
		{"empty", 0, 10, 0, 0},
		{"one row", 1, 10, 1, 1},
		{"small batches", 1000, 7, 1, 1},
		{"two row groups", RowGroupRows + 5, 50000, 2, (RowGroupRows + 5 + BatchRows - 1) / BatchRows},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "data")
			writeSample(t, path, tc.rows, tc.batch)
			r, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if r.NumRows() != int64(tc.rows) {
				t.Fatalf("NumRows = %d, want %d", r.NumRows(), tc.rows)
			}
			if got := r.pq.NumRowGroups(); got != tc.wantRGs {
				t.Errorf("row groups = %d, want %d", got, tc.wantRGs)
			}
			want := sampleSchema()
			if !r.Schema().Equal(want) {
				t.Fatalf("schema = %s\nwant %s", r.Schema(), want)
			}
			if Fingerprint(r.Schema()) != Fingerprint(want) {
				t.Errorf("fingerprint read back %s, written %s", Fingerprint(r.Schema()), Fingerprint(want))
			}
			if v, ok := r.Schema().Metadata().GetValue("tokenizer.vocab_size"); !ok || v != "4096" {
				t.Errorf("metadata tokenizer.vocab_size = %q, %v", v, ok)
			}
			row, batches := 0, 0
			for {
				rec, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				batches++
				exp := sampleBatch(t, want, row, int(rec.NumRows()))
				if !array.RecordEqual(rec, exp) {
					t.Fatalf("batch at row %d differs:\n%v\nwant\n%v", row, rec, exp)
				}
				row += int(rec.NumRows())
				exp.Release()
				rec.Release()
			}
			if row != tc.rows || batches != tc.wantNext {
				t.Errorf("read %d rows in %d batches, want %d in %d", row, batches, tc.rows, tc.wantNext)
			}
			if _, err := r.Next(); !errors.Is(err, io.EOF) {
				t.Errorf("Next after EOF = %v, want io.EOF", err)
			}
		})
	}
}

func TestDeterministicBytes(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	writeSample(t, a, 3000, 1000)
	writeSample(t, b, 3000, 1000)
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ab, bb) {
		t.Fatal("writing the same rows twice gave different bytes")
	}
}

func TestOpenColumns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data")
	writeSample(t, path, 20, 20)
	r, err := OpenColumns(path, []string{"tokens", "id"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := r.Schema().Field(0).Name + "," + r.Schema().Field(1).Name; got != "tokens,id" && got != "id,tokens" {
		t.Errorf("columns = %s", got)
	}
	checkFirstBatch(t, r, 2, 20)
	if _, err := OpenColumns(path, []string{"nope"}); err == nil || !strings.Contains(err.Error(), `no column "nope"`) {
		t.Errorf("missing column: err = %v", err)
	}
}

func TestOpenSelected(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data")
	writeSample(t, path, 20, 20)
	var seen []string
	var vocab string
	r, err := OpenSelected(path, func(s *arrow.Schema) ([]string, error) {
		for _, f := range s.Fields() {
			seen = append(seen, f.Name)
		}
		vocab, _ = s.Metadata().GetValue("tokenizer.vocab_size")
		return []string{"score", "id"}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if want := []string{"id", "text", "score", "ok", "tokens"}; !reflect.DeepEqual(seen, want) {
		t.Errorf("the chooser saw columns %v, want the file's %v", seen, want)
	}
	if vocab != "4096" {
		t.Errorf("the chooser saw metadata vocab_size %q, want the file's 4096", vocab)
	}
	var got []string
	for _, f := range r.Schema().Fields() {
		got = append(got, f.Name)
	}
	if !reflect.DeepEqual(got, []string{"score", "id"}) {
		t.Errorf("read columns %v, want the chosen [score id]", got)
	}
	checkFirstBatch(t, r, 2, 20)
	refused := errors.New("not this table")
	if _, err := OpenSelected(path, func(*arrow.Schema) ([]string, error) { return nil, refused }); !errors.Is(err, refused) {
		t.Errorf("the chooser's error: got %v", err)
	}
	all, err := OpenSelected(path, func(*arrow.Schema) ([]string, error) { return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	defer all.Close()
	if all.Schema().NumFields() != 5 {
		t.Errorf("a nil choice reads %d columns, want all 5", all.Schema().NumFields())
	}
}

// checkFirstBatch reads r's first batch and checks its shape.
func checkFirstBatch(t *testing.T, r *Reader, cols, rows int64) {
	t.Helper()
	rec, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	if rec.NumCols() != cols || rec.NumRows() != rows {
		t.Errorf("got %d cols %d rows, want %d and %d", rec.NumCols(), rec.NumRows(), cols, rows)
	}
}

func TestWriteSchemaMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data")
	w, err := Create(path, sampleSchema())
	if err != nil {
		t.Fatal(err)
	}
	other := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, other)
	b.Field(0).(*array.Int64Builder).Append(1)
	rec := b.NewRecordBatch()
	defer rec.Release()
	if err := w.Write(rec); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Write with another schema: err = %v", err)
	}
	if err := w.Close(); err == nil {
		t.Fatal("Close after a failed Write succeeded")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("failed table left behind: %v", err)
	}
}

func TestWriteMetadataOnlyDiffers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data")
	s := sampleSchema()
	w, err := Create(path, s)
	if err != nil {
		t.Fatal(err)
	}
	plain := arrow.NewSchema(s.Fields(), nil)
	rec := sampleBatch(t, plain, 0, 3)
	defer rec.Release()
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenMalformed(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	writeSample(t, good, 100, 100)
	data, _ := os.ReadFile(good)
	cases := map[string][]byte{
		"empty":       {},
		"garbage":     []byte("this is not parquet at all, not even close"),
		"truncated":   data[:len(data)/2],
		"no footer":   data[:len(data)-8],
		"bad footer":  append(append([]byte{}, data[:len(data)-8]...), 0xff, 0xff, 0xff, 0x7f, 'P', 'A', 'R', '1'),
		"magic only":  []byte("PAR1PAR1"),
		"zero footer": append([]byte("PAR1"), 0, 0, 0, 0, 'P', 'A', 'R', '1'),
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
			if err := os.WriteFile(p, content, 0o644); err != nil {
				t.Fatal(err)
			}
			err := readAll(p)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), p) {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
	if err := readAll(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file: no error")
	}
}

// readAll opens path and reads every batch.
func readAll(path string) error {
	r, err := Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		rec.Release()
	}
}

func TestDump(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data")
	writeSample(t, path, 12, 5)
	cases := []struct {
		format string
		limit  int
	}{
		{FormatJSONL, 0},
		{FormatJSONL, 3},
		{FormatCSV, 0},
		{FormatCSV, 2},
	}
	for _, tc := range cases {
		name := tc.format
		if tc.limit > 0 {
			name += "-limit" + string(rune('0'+tc.limit))
		}
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Dump(&buf, path, tc.format, tc.limit); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "dump-"+name+".golden"), buf.Bytes())
		})
	}
	if err := Dump(io.Discard, path, "xml", 0); err == nil || !strings.Contains(err.Error(), `"xml"`) {
		t.Errorf("unknown format: err = %v", err)
	}
}

func TestFingerprint(t *testing.T) {
	s := sampleSchema()
	noMeta := arrow.NewSchema(s.Fields(), nil)
	renamed := arrow.NewSchema([]arrow.Field{{Name: "ID", Type: arrow.PrimitiveTypes.Int64}}, nil)
	retyped := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int32}}, nil)
	cases := []struct {
		name string
		a, b *arrow.Schema
		same bool
	}{
		{"metadata ignored", s, noMeta, true},
		{"names matter", renamed, retyped, false},
		{"types matter", retyped, arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}}, nil), false},
	}
	for _, tc := range cases {
		if got := Fingerprint(tc.a) == Fingerprint(tc.b); got != tc.same {
			t.Errorf("%s: same = %v, want %v", tc.name, got, tc.same)
		}
	}
	golden(t, filepath.Join("testdata", "fingerprint.golden"), []byte(Fingerprint(s)+"\n"))
}

// golden compares got with the file at path, or rewrites it under -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	testutil.Golden(t, path, got)
}
