package records

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/runtime"
)

func TestResolve(t *testing.T) {
	ws := fixtureWorkspace(t)
	cases := []struct {
		ref, want, err string
	}{
		{"latest", idFailed, ""},
		{idSweep, idSweep, ""},
		{"20260101T10", idBase, ""},
		{"20260102T1", idFailed, ""},
		{"2025", idDamaged, ""},
		{"20260101", "", "matches 2 runs"},
		{"2026", "", "matches 4 runs"},
		{"2027", "", "no such run"},
		{"", "", "empty run id"},
		{"latest~0", idFailed, ""},
		{"latest~1", idSweep, ""},
		{"latest~9", "", "only 5 runs are recorded"},
		{"latest~x", "", "takes a whole number"},
		{"abcdef", idFailed, ""},
		{"cccccc", idSweep, ""},
		{"cdef", idFailed, ""},
	}
	for _, c := range cases {
		t.Run(c.ref, func(t *testing.T) {
			got, err := Resolve(Selection{Workspace: ws}, c.ref)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !errors.Is(err, ErrNoRun) {
					t.Fatalf("Resolve(%q) = %q, %v; want an ErrNoRun error containing %q", c.ref, got, err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("Resolve(%q) = %q, %v; want %q", c.ref, got, err, c.want)
			}
		})
	}
	empty, err := runtime.OpenWorkspace(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Resolve(Selection{Workspace: empty}, "latest"); !errors.Is(err, ErrNoRun) || !strings.Contains(err.Error(), "no recorded runs") {
		t.Errorf("empty workspace: %v", err)
	}
}

func TestLoadByPath(t *testing.T) {
	ws := fixtureWorkspace(t)
	for _, ref := range []string{ws.ManifestPath(idSweep), ws.RunDir(idSweep)} {
		m, owner, err := Load(Selection{}, ref)
		if err != nil {
			t.Fatalf("Load(%s): %v", ref, err)
		}
		if m.RunID != idSweep || owner.Root != ws.Root {
			t.Errorf("Load(%s) = run %s in %s", ref, m.RunID, owner.Root)
		}
	}
	if _, _, err := Load(Selection{Workspace: ws}, idDamaged); err == nil || !strings.Contains(err.Error(), "parsing manifest") {
		t.Errorf("damaged manifest: %v", err)
	}
}

func TestSelectionByDefinition(t *testing.T) {
	ws := fixtureWorkspace(t)
	sel := Selection{Workspace: ws, Definition: "/work/defs/tiny-lm.yaml"}
	ids, err := sel.IDs()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{idSweep}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ids %v, want %v", ids, want)
	}
	if id, err := Resolve(sel, "latest"); err != nil || id != idSweep {
		t.Errorf("latest of tiny-lm = %q, %v", id, err)
	}
	if _, err := Resolve(sel, idBase); !errors.Is(err, ErrNoRun) || !strings.Contains(err.Error(), "the runs of /work/defs/tiny-lm.yaml") {
		t.Errorf("a run of another definition resolved: %v", err)
	}
	sel.Definition = "/elsewhere/none.yaml"
	if _, err := Resolve(sel, "latest"); !errors.Is(err, ErrNoRun) {
		t.Errorf("latest of a definition without runs: %v", err)
	}
}

func TestParseInstance(t *testing.T) {
	cases := []struct {
		name, stage string
		point       []Assignment
	}{
		{"tokens", "tokens", nil},
		{"lm@train.lr=0.001", "lm", []Assignment{{"train.lr", "0.001"}}},
		{"eval@seed=3,train.lr=1e-05", "eval", []Assignment{{"seed", "3"}, {"train.lr", "1e-05"}}},
		{"x@tags=[\"a\",\"b\"],n=2", "x", []Assignment{{"tags", "[\"a\",\"b\"]"}, {"n", "2"}}},
		{"x@", "x", nil},
	}
	for _, c := range cases {
		got := ParseInstance(c.name)
		if got.Stage != c.stage || !reflect.DeepEqual(got.Point, c.point) || got.Name != c.name {
			t.Errorf("ParseInstance(%q) = %+v, want stage %q point %v", c.name, got, c.stage, c.point)
		}
	}
	if v, ok := ParseInstance("eval@seed=3").Value("seed"); !ok || v != "3" {
		t.Errorf("Value(seed) = %q, %v", v, ok)
	}
}

func TestFlatten(t *testing.T) {
	got := Flatten(map[string]any{"seed": 7.0, "train": map[string]any{"lr": 0.003, "opt": map[string]any{}}, "tags": []any{"a"}})
	want := []Param{{"seed", 7.0}, {"tags", []any{"a"}}, {"train.lr", 0.003}, {"train.opt", map[string]any{}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Flatten = %v, want %v", got, want)
	}
	if Flatten(nil) != nil {
		t.Error("Flatten(nil) is not empty")
	}
}

func TestFormatting(t *testing.T) {
	cases := []struct{ got, want string }{
		{FormatValue(0.003), "0.003"},
		{FormatValue(300.0), "300"},
		{FormatValue("bpe"), "bpe"},
		{FormatValue(true), "true"},
		{FormatValue(map[string]any{"b": 1.0, "a": []any{"x"}}), `{"a":["x"],"b":1}`},
		{FormatValue(nil), "null"},
		{FormatMetric(0.98181818181), "0.981818"},
		{FormatMetric(6046), "6046"},
		{FormatMetric(1.5e20), "1.5e+20"},
		{FormatMetric(math.NaN()), "NaN"},
		{FormatMetric(math.Inf(-1)), "-Inf"},
		{FormatDelta(0.25), "+0.25"},
		{FormatDelta(-0.25), "-0.25"},
		{FormatRelative(-0.0167), "-1.67%"},
		{FormatDuration(454), "454ms"},
		{FormatDuration(25900), "25.9s"},
		{FormatDuration(125000), "2m05s"},
		{FormatDuration(3720000), "1h02m"},
		{FormatBytes(512), "512 B"},
		{FormatBytes(3 << 20), "3.0 MiB"},
		{FormatBytes(1536), "1.5 KiB"},
		{ShortKey("xxh3:0123456789abcdef0123"), "xxh3:0123456789ab"},
		{ShortKey(""), "-"},
		{CacheResult("cached"), "hit"},
		{CacheResult("ran"), "miss"},
		{CacheResult("skipped"), "-"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestListAndSummaries(t *testing.T) {
	ws := fixtureWorkspace(t)
	list, err := List(Selection{Workspace: ws})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	if want := []string{idFailed, idSweep, idLowLR, idBase, idDamaged}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("ids %v, want %v", ids, want)
	}
	if s := list[0]; s.Ran != 0 || s.Cached != 1 || s.Failed != 1 || s.Skipped != 1 || s.DurationMS != 3000 {
		t.Errorf("failed run summary %+v", s)
	}
	if s := list[4]; s.Status != StatusUnreadable || !strings.Contains(s.Error, "parsing manifest") {
		t.Errorf("damaged run summary %+v", s)
	}
	var buf bytes.Buffer
	if err := WriteList(&buf, list); err != nil {
		t.Fatal(err)
	}
	golden(t, "list.golden", []byte(strings.ReplaceAll(buf.String(), ws.Root, "$WS")))
	b, err := json.MarshalIndent(list[:4], "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "list.json.golden", append(b, '\n'))
	buf.Reset()
	if err := WriteList(&buf, nil); err != nil || buf.String() != "no runs recorded\n" {
		t.Errorf("empty listing %q, %v", buf.String(), err)
	}
}

func TestKeyMetricRanges(t *testing.T) {
	ms := []Metric{{"p@x=1", "perplexity", 409.5}, {"q", "accuracy", 0.9}, {"p@x=2", "perplexity", 395.2}, {"p@x=3", "perplexity", 401}, {"r", "accuracy", 0.95}}
	got := KeyMetricRanges(ms)
	want := []MetricRange{
		{Metric: "perplexity", Count: 3, Min: 395.2, Max: 409.5, Best: 395.2, BestStage: "p@x=2"},
		{Metric: "accuracy", Count: 2, Min: 0.9, Max: 0.95, Best: 0.95, BestStage: "r"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ranges %+v, want %+v", got, want)
	}
	if got[0].Text() != "395.2–409.5" || (MetricRange{Count: 1, Min: 2, Max: 2}).Text() != "2" {
		t.Errorf("range texts %q", got[0].Text())
	}
}

func TestDetail(t *testing.T) {
	ws := fixtureWorkspace(t)
	for _, id := range []string{idLowLR, idFailed, idSweep} {
		var buf bytes.Buffer
		if err := WriteDetail(&buf, load(t, ws, id)); err != nil {
			t.Fatal(err)
		}
		golden(t, "show-"+id[len(id)-6:]+".golden", buf.Bytes())
	}
}

func TestSweepTable(t *testing.T) {
	ws := fixtureWorkspace(t)
	tab := Sweep(load(t, ws, idSweep))
	if !reflect.DeepEqual(tab.Axes, []string{"train.lr"}) || len(tab.Rows) != 2 {
		t.Fatalf("axes %v, %d rows", tab.Axes, len(tab.Rows))
	}
	b, err := json.MarshalIndent(tab, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "sweep.json.golden", append(b, '\n'))
	if tab := Sweep(load(t, ws, idBase)); len(tab.Rows) != 0 || len(tab.Axes) != 0 {
		t.Errorf("a run without a sweep has a sweep table: %+v", tab)
	}
}

func TestSweepWithoutAFullPoint(t *testing.T) {
	m := fixtureManifests()[2]
	m.Stages = m.Stages[:1]
	m.Stages = append(m.Stages,
		stage("a@x=1", "exec", "ran", 1, map[string]float64{"m": 1}),
		stage("a@x=2", "exec", "ran", 1, map[string]float64{"m": 2}),
		stage("b@y=u", "exec", "ran", 1, map[string]float64{"n": 3}),
		stage("b@y=v", "exec", "ran", 1, map[string]float64{"n": 3}),
	)
	tab := Sweep(m)
	var points []string
	for _, r := range tab.Rows {
		points = append(points, strings.Join(r.Point, ","))
	}
	if want := []string{"1,u", "1,v", "2,u", "2,v"}; !reflect.DeepEqual(points, want) {
		t.Errorf("points %v, want %v", points, want)
	}
	if len(tab.Columns) != 1 || tab.Columns[0].Metric != "m" || len(tab.Constant) != 1 || tab.Constant[0].Metric != "n" {
		t.Errorf("columns %v, constant %v", tab.Columns, tab.Constant)
	}
}

func TestCompare(t *testing.T) {
	ws := fixtureWorkspace(t)
	d := Compare(load(t, ws, idBase), load(t, ws, idLowLR))
	var lr *ParamChange
	for i := range d.Params {
		if d.Params[i].Key == "train.lr" {
			lr = &d.Params[i]
		}
	}
	if lr == nil || !lr.Changed || lr.Delta == nil || math.Abs(*lr.Delta+0.002) > 1e-12 || math.Abs(*lr.Relative+2.0/3) > 1e-9 {
		t.Errorf("train.lr change %+v", lr)
	}
	if len(d.Overrides) != 1 || d.Overrides[0].A != nil || d.Overrides[0].B != 0.001 {
		t.Errorf("overrides %+v", d.Overrides)
	}
	var buf bytes.Buffer
	if err := WriteDiff(&buf, d, false); err != nil {
		t.Fatal(err)
	}
	golden(t, "diff-base-lowlr.golden", buf.Bytes())
	buf.Reset()
	if err := WriteDiff(&buf, d, true); err != nil {
		t.Fatal(err)
	}
	golden(t, "diff-base-lowlr-all.golden", buf.Bytes())
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "diff-base-lowlr.json.golden", append(b, '\n'))

	// Different definitions: every stage and metric is on one side only.
	buf.Reset()
	if err := WriteDiff(&buf, Compare(load(t, ws, idSweep), load(t, ws, idFailed)), false); err != nil {
		t.Fatal(err)
	}
	golden(t, "diff-sweep-failed.golden", buf.Bytes())
}

func TestChange(t *testing.T) {
	cases := []struct {
		a, b   float64
		delta  *float64
		hasRel bool
		rel    float64
	}{
		{2, 3, ptr(1), true, 0.5},
		{-2, -3, ptr(-1), true, -0.5},
		{0, 3, ptr(3), false, 0},
		{math.Inf(1), 1, ptr(math.Inf(-1)), false, 0},
		{math.NaN(), 1, nil, false, 0},
	}
	for _, c := range cases {
		d, r := change(c.a, c.b)
		if (d == nil) != (c.delta == nil) || (d != nil && *d != *c.delta) || (r != nil) != c.hasRel || (r != nil && *r != c.rel) {
			t.Errorf("change(%v, %v) = %v, %v", c.a, c.b, d, r)
		}
	}
}

func ptr(v float64) *float64 { return &v }

func TestRecordsNeverWrite(t *testing.T) {
	ws := fixtureWorkspace(t)
	before := tree(t, ws.Root)
	if _, err := List(Selection{Workspace: ws}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{idBase, idSweep, idFailed} {
		m := load(t, ws, id)
		_ = WriteDetail(&bytes.Buffer{}, m)
		_ = Sweep(m)
	}
	if after := tree(t, ws.Root); !reflect.DeepEqual(before, after) {
		t.Errorf("the workspace changed:\nbefore %v\nafter  %v", before, after)
	}
}

// tree lists every path under root with its size and modification time.
func tree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		out = append(out, p+" "+info.ModTime().String()+" "+string(rune(info.Size())))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
