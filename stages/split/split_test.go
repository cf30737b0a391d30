package split

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/stages"
)

// row is one input row: an id, a label (30% spam) and a text.
type row struct {
	id    int64
	label string
	text  string
}

// makeRows returns rows with ids [from, to); text repeats every dup rows
// when dup > 0.
func makeRows(from, to int64, dup int64) []row {
	var rows []row
	for i := from; i < to; i++ {
		label := "ham"
		if i%10 < 3 {
			label = "spam"
		}
		t := i
		if dup > 0 {
			t = i % dup
		}
		rows = append(rows, row{i, label, fmt.Sprintf("text %d", t)})
	}
	return rows
}

var inputSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "label", Type: arrow.BinaryTypes.String},
	{Name: "text", Type: arrow.BinaryTypes.String},
}, nil)

// writeInput writes rows as a table, in batches of 100.
func writeInput(t *testing.T, rows []row) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data")
	w, err := table.Create(path, inputSchema)
	if err != nil {
		t.Fatal(err)
	}
	for start := 0; start < len(rows); start += 100 {
		b := array.NewRecordBuilder(memory.DefaultAllocator, inputSchema)
		for _, r := range rows[start:min(start+100, len(rows))] {
			b.Field(0).(*array.Int64Builder).Append(r.id)
			b.Field(1).(*array.StringBuilder).Append(r.label)
			b.Field(2).(*array.StringBuilder).Append(r.text)
		}
		rec := b.NewRecordBatch()
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
		b.Release()
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// result is what a split produced: the ids (and labels) of each part.
type result struct {
	metrics map[string]float64
	ids     map[string][]int64
	labels  map[string]map[string]int
}

// runSplit plans and runs the stage on input.
func runSplit(t *testing.T, input string, params map[string]any, seed int64) (*result, error) {
	t.Helper()
	plan, err := Kind{}.Plan(stages.PlanRequest{Stage: "sets", Params: params, Inputs: []string{"data"}})
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	out := t.TempDir()
	env := &stages.Env{Stage: "sets", Inputs: map[string]string{"data": input}, OutDir: out, ScratchDir: t.TempDir(),
		Params: params, Seed: seed, Log: zerolog.Nop(), Output: io.Discard, Progress: stages.NopProgress{}}
	res, err := Kind{}.Run(context.Background(), env)
	if err != nil {
		if left, _ := os.ReadDir(out); len(left) != 0 {
			t.Errorf("failed run left outputs behind: %v", left)
		}
		return nil, err
	}
	r := &result{metrics: res.Metrics, ids: map[string][]int64{}, labels: map[string]map[string]int{}}
	for _, port := range plan.Outputs {
		tr, err := table.Open(env.OutPath(port))
		if err != nil {
			t.Fatal(err)
		}
		if !tr.Schema().Equal(inputSchema) {
			t.Errorf("part %s schema %s", port, tr.Schema())
		}
		r.labels[port] = map[string]int{}
		for {
			rec, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			ids := rec.Column(0).(*array.Int64)
			labels := rec.Column(1).(*array.String)
			for i := range int(rec.NumRows()) {
				r.ids[port] = append(r.ids[port], ids.Value(i))
				r.labels[port][labels.Value(i)]++
			}
			rec.Release()
		}
		tr.Close()
	}
	return r, nil
}

// partOf maps each id to its part.
func (r *result) partOf() map[int64]string {
	m := map[int64]string{}
	for p, ids := range r.ids {
		for _, id := range ids {
			m[id] = p
		}
	}
	return m
}

var threeWay = map[string]any{"train": 0.8, "val": 0.1, "test": 0.1}

func TestPlanPorts(t *testing.T) {
	plan, err := Kind{}.Plan(stages.PlanRequest{Params: map[string]any{"fractions": threeWay}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(plan.Outputs, ","); got != "test,train,val" {
		t.Errorf("outputs = %s, want sorted names", got)
	}
}

func TestHashStableUnderAppendAndReorder(t *testing.T) {
	base := makeRows(0, 800, 0)
	more := append(makeRows(0, 800, 0), makeRows(800, 1000, 0)...)
	rev := append([]row(nil), more...)
	sort.Slice(rev, func(i, j int) bool { return rev[i].id > rev[j].id })
	params := map[string]any{"fractions": threeWay, "key": "id"}
	a, err := runSplit(t, writeInput(t, base), params, 7)
	if err != nil {
		t.Fatal(err)
	}
	for name, rows := range map[string][]row{"appended": more, "reordered": rev} {
		b, err := runSplit(t, writeInput(t, rows), params, 7)
		if err != nil {
			t.Fatal(err)
		}
		pb := b.partOf()
		for id, p := range a.partOf() {
			if pb[id] != p {
				t.Fatalf("%s: row %d moved from %s to %s", name, id, p, pb[id])
			}
		}
	}
	if n := a.metrics["rows_train"]; n < 600 || n > 680 {
		t.Errorf("rows_train = %v of 800, want about 640", n)
	}
	if got := a.metrics["rows_train"] + a.metrics["rows_val"] + a.metrics["rows_test"]; got != 800 {
		t.Errorf("parts hold %v rows, want 800", got)
	}
	c, err := runSplit(t, writeInput(t, base), params, 8)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(c.ids) == fmt.Sprint(a.ids) {
		t.Error("another seed gave the same split")
	}
}

func TestExactAndStratified(t *testing.T) {
	input := writeInput(t, makeRows(0, 1003, 0))
	cases := []struct {
		name   string
		params map[string]any
	}{
		{"exact", map[string]any{"fractions": threeWay, "method": "exact"}},
		{"stratified", map[string]any{"fractions": threeWay, "stratify": "label", "key": "id"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := runSplit(t, input, tc.params, 1)
			if err != nil {
				t.Fatal(err)
			}
			fr := map[string]float64{"train": 0.8, "val": 0.1, "test": 0.1}
			classes := map[string]float64{"": 1003}
			if tc.params["stratify"] != nil {
				classes = map[string]float64{"spam": 303, "ham": 700}
			}
			for part, f := range fr {
				for class, n := range classes {
					got := float64(len(r.ids[part]))
					if class != "" {
						got = float64(r.labels[part][class])
					}
					if d := got - n*f; d > 1 || d < -1 {
						t.Errorf("part %s class %q: %v rows, want %v within one", part, class, got, n*f)
					}
				}
			}
		})
	}
}

func TestDedupe(t *testing.T) {
	input := writeInput(t, makeRows(0, 500, 100)) // each text five times
	for _, method := range []string{"hash", "exact"} {
		r, err := runSplit(t, input, map[string]any{"fractions": map[string]any{"a": 0.5, "b": 0.5}, "key": "text", "dedupe": true, "method": method}, 3)
		if err != nil {
			t.Fatal(err)
		}
		if r.metrics["rows_deduped"] != 400 || r.metrics["rows_a"]+r.metrics["rows_b"] != 100 {
			t.Errorf("%s: metrics %v, want 400 deduped and 100 kept", method, r.metrics)
		}
		for _, ids := range r.ids {
			for _, id := range ids {
				if id >= 100 {
					t.Fatalf("%s: kept row %d, a later duplicate", method, id)
				}
			}
		}
	}
}

func TestGolden(t *testing.T) {
	input := writeInput(t, makeRows(0, 40, 0))
	var b strings.Builder
	for _, params := range []map[string]any{
		{"fractions": threeWay, "key": "id"},
		{"fractions": threeWay},
		{"fractions": threeWay, "method": "exact", "key": "id"},
		{"fractions": threeWay, "stratify": "label", "seed": int64(99)},
	} {
		r, err := runSplit(t, input, params, 7)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%v\n", params)
		for _, p := range []string{"test", "train", "val"} {
			fmt.Fprintf(&b, "  %s: %v\n", p, r.ids[p])
		}
	}
	golden(t, filepath.Join("testdata", "assignments.golden"), b.String())
}

func TestErrors(t *testing.T) {
	input := writeInput(t, makeRows(0, 20, 0))
	cases := []struct {
		name    string
		params  map[string]any
		wantErr string
	}{
		{"no fractions", map[string]any{}, "with.fractions: required"},
		{"sum", map[string]any{"fractions": map[string]any{"a": 0.5, "b": 0.4}}, "they sum to 0.9, not 1"},
		{"negative", map[string]any{"fractions": map[string]any{"a": -0.5, "b": 1.5}}, "not a fraction"},
		{"bad name", map[string]any{"fractions": map[string]any{"a.b": 1.0}}, "not a valid port name"},
		{"method", map[string]any{"fractions": map[string]any{"a": 1.0}, "method": "random"}, `with.method: must be one of hash, exact, got "random"`},
		{"missing key", map[string]any{"fractions": threeWay, "key": "email"}, `with.key: no column "email" (columns: id, label, text)`},
		{"missing stratify", map[string]any{"fractions": threeWay, "stratify": "class"}, `with.stratify: no column "class"`},
		{"empty part hash", map[string]any{"fractions": map[string]any{"a": 0.99, "b": 0.01}}, `part "b" is empty`},
		{"empty part exact", map[string]any{"fractions": map[string]any{"a": 0.99, "b": 0.01}, "method": "exact"}, `part "b" would be empty`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runSplit(t, input, tc.params, 1)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestCut(t *testing.T) {
	cases := []struct {
		n    int
		fr   []float64
		want string
	}{
		{10, []float64{0.8, 0.1, 0.1}, "[8 1 1]"},
		{11, []float64{0.8, 0.1, 0.1}, "[9 1 1]"},
		{3, []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}, "[1 1 1]"},
		{5, []float64{0.5, 0.5}, "[3 2]"},
		{0, []float64{0.5, 0.5}, "[0 0]"},
		{1003, []float64{0.1, 0.8, 0.1}, "[100 803 100]"},
	}
	for _, tc := range cases {
		if got := fmt.Sprint(cut(tc.n, tc.fr)); got != tc.want {
			t.Errorf("cut(%d, %v) = %s, want %s", tc.n, tc.fr, got, tc.want)
		}
	}
}

// golden compares got with the file at path, or rewrites it under -update.
func golden(t *testing.T, path string, got string) {
	t.Helper()
	testutil.Golden(t, path, []byte(got))
}
