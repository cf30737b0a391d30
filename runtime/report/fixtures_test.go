package report

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/stages"
	// The kinds of the fixtures' stages that score on held-out data, which
	// the report compares across stages.
	"github.com/mlpipe/pipeline/internal/testutil/tabletest"
	_ "github.com/mlpipe/pipeline/stages/baseline"
	_ "github.com/mlpipe/pipeline/stages/eval"
)

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testutil.Golden(t, filepath.Join("testdata", name), got)
}

// digest makes a well-formed digest from a small number.
func digest(n int) string {
	const hex = "0123456789abcdef"
	b := []byte("xxh3:00000000000000000000000000000000")
	for i := len(b) - 1; n > 0; i-- {
		b[i] = hex[n%16]
		n /= 16
	}
	return string(b)
}

func writeParquet(t testing.TB, path string, schema *arrow.Schema, fill func(b *array.RecordBuilder)) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	fill(b)
	rec := b.NewRecordBatch()
	defer rec.Release()
	tabletest.Write(t, path, rec)
}

var historySchema = arrow.NewSchema([]arrow.Field{
	{Name: "step", Type: arrow.PrimitiveTypes.Int64},
	{Name: "train_loss", Type: arrow.PrimitiveTypes.Float64},
	{Name: "val_loss", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "lr", Type: arrow.PrimitiveTypes.Float64},
	{Name: "tokens_per_second", Type: arrow.PrimitiveTypes.Float64},
}, nil)

// writeHistory stores a history table whose loss decays from start, with a
// validation loss every valEvery steps.
func writeHistory(t testing.TB, ws *runtime.Workspace, d string, steps int, start float64, valEvery int) {
	writeParquet(t, ws.Store.ObjectPath(d), historySchema, func(b *array.RecordBuilder) {
		for s := 1; s <= steps; s++ {
			loss := start*math.Exp(-float64(s)/float64(steps)*3) + 0.05*math.Sin(float64(s))
			b.Field(0).(*array.Int64Builder).Append(int64(s))
			b.Field(1).(*array.Float64Builder).Append(loss)
			if s%valEvery == 0 {
				b.Field(2).(*array.Float64Builder).Append(loss * 1.1)
			} else {
				b.Field(2).AppendNull()
			}
			b.Field(3).(*array.Float64Builder).Append(0.003)
			b.Field(4).(*array.Float64Builder).Append(1000)
		}
	})
}

// writeEvalTables stores an eval stage's tables directory with a confusion
// matrix over labels (counts[a][p]).
func writeEvalTables(t testing.TB, ws *runtime.Workspace, d string, labels []string, counts [][]int64) {
	dir := ws.Store.ObjectPath(d)
	conf := arrow.NewSchema([]arrow.Field{
		{Name: "actual", Type: arrow.BinaryTypes.String},
		{Name: "predicted", Type: arrow.BinaryTypes.String},
		{Name: "count", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	writeParquet(t, filepath.Join(dir, "confusion.parquet"), conf, func(b *array.RecordBuilder) {
		for a := range counts {
			for p := range counts[a] {
				b.Field(0).(*array.StringBuilder).Append(labels[a])
				b.Field(1).(*array.StringBuilder).Append(labels[p])
				b.Field(2).(*array.Int64Builder).Append(counts[a][p])
			}
		}
	})
	per := arrow.NewSchema([]arrow.Field{
		{Name: "label", Type: arrow.BinaryTypes.String},
		{Name: "precision", Type: arrow.PrimitiveTypes.Float64},
		{Name: "recall", Type: arrow.PrimitiveTypes.Float64},
		{Name: "f1", Type: arrow.PrimitiveTypes.Float64},
		{Name: "support", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	writeParquet(t, filepath.Join(dir, "per_class.parquet"), per, func(b *array.RecordBuilder) {
		for a, l := range labels {
			var row, col int64
			for p := range counts {
				row += counts[a][p]
				col += counts[p][a]
			}
			prec, rec := float64(counts[a][a])/float64(col), float64(counts[a][a])/float64(row)
			b.Field(0).(*array.StringBuilder).Append(l)
			b.Field(1).(*array.Float64Builder).Append(prec)
			b.Field(2).(*array.Float64Builder).Append(rec)
			b.Field(3).(*array.Float64Builder).Append(2 * prec * rec / (prec + rec))
			b.Field(4).(*array.Int64Builder).Append(row)
		}
	})
}

func ptr(n int64) *int64 { return &n }

func rec(name, kind, status string, ms int64, metrics map[string]float64, inputs []artifacts.PortRecord, outputs ...artifacts.PortRecord) artifacts.StageRecord {
	if metrics == nil {
		metrics = map[string]float64{}
	}
	if inputs == nil {
		inputs = []artifacts.PortRecord{}
	}
	if outputs == nil {
		outputs = []artifacts.PortRecord{}
	}
	st := artifacts.StageRecord{Name: name, Stage: name, Kind: kind, Version: "1", Status: status, Params: map[string]any{},
		Inputs: inputs, Outputs: outputs, DurationMS: ms, CPUSeconds: float64(ms) / 1000, PeakRSSBytes: 64 << 20, Metrics: metrics,
		KeyMetrics: testutil.KeyMetricsOf(kind)}
	if status != runtime.StatusSkipped {
		st.Key = digest(len(name)*1000 + int(ms))
	}
	return st
}

// port is a port record with the role its kind would declare for it: the
// fixtures' ports are named as the kinds name theirs.
func port(name, from string, d string, size int64, rows *int64, dir bool) artifacts.PortRecord {
	role := map[string]stages.Role{"history": stages.RoleHistory, "tables": stages.RoleEvaluation,
		"model": stages.RoleModel, "metrics": stages.RoleMetrics}[name]
	if role == "" && rows != nil {
		role = stages.RoleTable
	}
	if role == "" {
		role = stages.RoleFile
	}
	return artifacts.PortRecord{Port: name, From: from, Digest: d, Size: size, Rows: rows, Dir: dir, Role: string(role)}
}

// fixture builds a workspace holding one run of a spam filter beside a
// two-point learning-rate sweep of a language model, with a failed and a
// skipped stage and a history missing from the store, and returns the run.
func fixture(t testing.TB) (*runtime.Workspace, *artifacts.Manifest) {
	t.Helper()
	ws, err := runtime.OpenWorkspace(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	writeHistory(t, ws, digest(11), 300, 0.7, 50)
	writeEvalTables(t, ws, digest(12), []string{"ham", "spam"}, [][]int64{{401, 3}, {8, 193}})
	writeHistory(t, ws, digest(21), 120, 7.5, 40)
	writeHistory(t, ws, digest(22), 120, 7.9, 40)
	writeEvalTables(t, ws, digest(23), nil, nil)
	data := port("data", "", digest(1), 3<<20, ptr(6046), false)
	stages := []artifacts.StageRecord{
		rec("mail", "ingest", runtime.StatusCached, 0, map[string]float64{"rows": 6046}, nil, data),
		rec("classifier", "train", runtime.StatusRan, 25900, map[string]float64{"val_loss": 0.0482521, "steps": 300},
			[]artifacts.PortRecord{port("train", "mail.data", digest(1), 3<<20, ptr(6046), false)},
			port("model", "", digest(10), 1<<20, nil, true), port("history", "", digest(11), 2500, ptr(300), false)),
		rec("quality", "eval", runtime.StatusRan, 454, map[string]float64{"accuracy": 0.9818, "f1_macro": 0.9789, "precision_macro": 0.98, "recall_macro": 0.977},
			[]artifacts.PortRecord{port("model", "classifier.model", digest(10), 1<<20, nil, true), port("data", "mail.data", digest(1), 3<<20, ptr(6046), false)},
			port("metrics", "", digest(13), 1100, nil, true), port("tables", "", digest(12), 2600, nil, true)),
	}
	for i, lr := range []string{"0.003", "0.001"} {
		lm := "lm@train.lr=" + lr
		stages = append(stages,
			rec(lm, "train", runtime.StatusRan, int64(61000+i), map[string]float64{"val_loss": 5.9 + float64(i)/10, "steps": 120},
				[]artifacts.PortRecord{port("train", "mail.data", digest(1), 3<<20, ptr(6046), false)},
				port("model", "", digest(30+i), 1<<20, nil, true), port("history", "", digest(21+i), 2500, ptr(120), false)),
			rec("perplexity@train.lr="+lr, "eval", runtime.StatusRan, int64(1200+i), map[string]float64{"perplexity": 361.5 + 40*float64(i), "cross_entropy": 5.89 + float64(i)/10},
				[]artifacts.PortRecord{port("model", lm+".model", digest(30+i), 1<<20, nil, true)},
				port("metrics", "", digest(40+i), 900, nil, true), port("tables", "", digest(23), 800, nil, true)),
		)
	}
	stages = append(stages,
		rec("ghost", "train", runtime.StatusCached, 0, nil, nil, port("history", "", digest(99), 10, ptr(1), false)),
		rec("broken", "exec", runtime.StatusFailed, 15, nil, []artifacts.PortRecord{port("in", "ghost.history", digest(99), 10, ptr(1), false)}),
		rec("after", "exec", runtime.StatusSkipped, 0, nil, []artifacts.PortRecord{port("in", "broken.out", "", 0, nil, false)}),
	)
	stages[len(stages)-2].Error = "exit status 3: <boom> & \"quotes\""
	start := time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)
	m := &artifacts.Manifest{
		SchemaVersion: artifacts.ManifestSchemaVersion, RunID: "20260102T090000.000Z-cccccc", StartedAt: start, FinishedAt: start.Add(150 * time.Second),
		Status: runtime.RunFailed, Command: []string{"pipeline", "run", "demo.yaml", "--set", "seed=7"},
		Definition:  artifacts.DefinitionRef{Path: "demo.yaml", Dir: "/defs", Name: "demo <report>", Digest: digest(5)},
		Params:      map[string]any{"seed": 7.0, "train": map[string]any{"lr": 0.003, "steps": 120.0}, "labels": []any{"ham", "spam"}},
		Overrides:   map[string]any{"seed": 7.0},
		Engine:      artifacts.Engine{Version: "0.1.0", GoVersion: "go1.26.8"},
		Environment: artifacts.Environment{OS: "linux", Arch: "amd64", CPUs: 2, MemoryBytes: 8 << 30, Variables: map[string]string{}},
		Sources:     []artifacts.Source{}, Stages: stages,
	}
	if err := os.MkdirAll(ws.RunDir(m.RunID), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := m.Write(ws.ManifestPath(m.RunID)); err != nil {
		t.Fatal(err)
	}
	return ws, m
}
