package data

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
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
