package records

import (
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/artifacts"
)

func querySummaries() []Summary {
	mk := func(id, name string, lr float64, acc []float64, owner string) Summary {
		s := Summary{ID: id, Name: name, Status: "succeeded", Params: map[string]any{"train": map[string]any{"lr": lr}},
			Tags: map[string]string{"owner": owner}, Git: &artifacts.GitState{Commit: strings.Repeat("a", 40), Branch: "main"}}
		for i, a := range acc {
			s.AllMetrics = append(s.AllMetrics, Metric{Stage: "eval@" + string(rune('a'+i)), Metric: "accuracy", Value: a},
				Metric{Stage: "eval@" + string(rune('a'+i)), Metric: "cross_entropy", Value: 1 - a})
		}
		return s
	}
	return []Summary{
		mk("r3", "big", 0.1, []float64{0.90, 0.98}, "ana"),
		mk("r2", "", 0.001, []float64{0.96}, "bo"),
		mk("r1", "small", 0.005, []float64{0.99}, "ana"),
		{ID: "r0", Status: "failed"},
	}
}

// Filters compare numbers as numbers and text as text, `and` binding
// tighter than `or`; a missing field fails a comparison.
func TestFilterMatches(t *testing.T) {
	runs := querySummaries()
	cases := map[string]string{
		"metrics.accuracy > 0.97":                                   "r3 r1",
		"metrics.accuracy > 0.97 and params.train.lr < 0.01":        "r1",
		"params.train.lr < 0.002 or tags.owner = ana and name ~ ma": "r2 r1",
		"metrics.eval@b.accuracy >= 0.98":                           "r3",
		"metrics.cross_entropy < 0.025":                             "r3 r1",
		"status != succeeded":                                       "r0",
		"name = 'big'":                                              "r3",
		"git.branch = main and tags.owner != bo":                    "r3 r1",
	}
	for expr, want := range cases {
		f, err := ParseFilter(expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		var got []string
		for _, s := range runs {
			if f.Match(s) {
				got = append(got, s.ID)
			}
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: %v, want %s", expr, got, want)
		}
	}
}

func TestFilterErrors(t *testing.T) {
	for expr, want := range map[string]string{
		"":                         "empty",
		"metrics.accuracy >":       "expected FIELD OP VALUE",
		"accuracy > 1":             `unknown field "accuracy"`,
		"name = a nand id = b":     "expected `and` or `or`",
		"name = a and":             "ends after `and`",
		"name === a":               `unknown operator "==="`,
		"name = 'open":             "unterminated quote",
		strings.Repeat("x", 5<<10): "over 4 KiB",
	} {
		if _, err := ParseFilter(expr); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", expr, err, want)
		}
	}
}

// Sorting is by number or text, descending with `-`, runs lacking the
// field last.
func TestSortRuns(t *testing.T) {
	for by, want := range map[string]string{
		"metrics.accuracy":  "r2 r3 r1 r0",
		"-metrics.accuracy": "r1 r3 r2 r0",
		"params.train.lr":   "r2 r1 r3 r0",
		"name":              "r3 r1 r2 r0",
	} {
		runs := querySummaries()
		if err := SortRuns(runs, by); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range runs {
			got = append(got, s.ID)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("--sort %s: %v, want %s", by, got, want)
		}
	}
	if err := SortRuns(querySummaries(), "nope"); err == nil {
		t.Error("sorting by an unknown field")
	}
}

func TestWriteColumns(t *testing.T) {
	var b strings.Builder
	if err := WriteColumns(&b, querySummaries()[:2], []string{"id", "name", "metrics.accuracy", "tags.owner", "params.train.lr"}); err != nil {
		t.Fatal(err)
	}
	want := "ID  NAME  METRICS.ACCURACY  TAGS.OWNER  PARAMS.TRAIN.LR\nr3  big   0.98              ana         0.1\nr2  -     0.96              bo          0.001\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// FuzzParseFilter: any expression parses or fails with an error, and a
// parsed filter evaluates on any run without panicking.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"metrics.accuracy > 0.97 and params.lr < 0.01", "name = 'a b' or tags.x ~ y", "status != ok", "a", "= = =", "'"} {
		f.Add(s)
	}
	runs := querySummaries()
	f.Fuzz(func(t *testing.T, expr string) {
		flt, err := ParseFilter(expr)
		if err != nil {
			return
		}
		for _, s := range runs {
			flt.Match(s)
		}
	})
}
