package table

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

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
	rec, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	if rec.NumCols() != 2 || rec.NumRows() != 20 {
		t.Errorf("got %d cols %d rows", rec.NumCols(), rec.NumRows())
	}
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
