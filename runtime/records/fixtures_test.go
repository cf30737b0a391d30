package records

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/runtime"
	_ "github.com/mlpipe/pipeline/stages/baseline"
	_ "github.com/mlpipe/pipeline/stages/eval"
)

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testutil.Golden(t, filepath.Join("testdata", name), got)
}

// Run ids of the fixture workspace, oldest first.
const (
	idDamaged = "20251231T235959.000Z-ffffff"
	idBase    = "20260101T100000.000Z-aaaaaa"
	idLowLR   = "20260101T110000.000Z-bbbbbb"
	idSweep   = "20260102T090000.000Z-cccccc"
	idFailed  = "20260102T100000.000Z-abcdef"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func rows(n int64) *int64 { return &n }

func stage(name, kind, status string, ms int64, metrics map[string]float64, inputs ...artifacts.PortRecord) artifacts.StageRecord {
	if metrics == nil {
		metrics = map[string]float64{}
	}
	if inputs == nil {
		inputs = []artifacts.PortRecord{}
	}
	st := artifacts.StageRecord{
		Name: ParseInstance(name).Stage, Kind: kind, Version: "1", Status: status, Params: map[string]any{"seed": 7.0},
		Seed: 7, Inputs: inputs, Outputs: []artifacts.PortRecord{}, DurationMS: ms, CPUSeconds: float64(ms) / 500,
		PeakRSSBytes: 100 << 20, Metrics: metrics, KeyMetrics: testutil.KeyMetricsOf(kind),
	}
	st.Name = name
	if status != runtime.StatusSkipped {
		st.Key = "xxh3:" + fmt16(name+status) + fmt16(kind)
	}
	return st
}

// fmt16 makes 16 stable hex digits from a string (FNV-1a).
func fmt16(s string) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	const hex = "0123456789abcdef"
	b := make([]byte, 16)
	for i := range b {
		b[i] = hex[(h>>(60-4*uint(i)))&0xf]
	}
	return string(b)
}

func in(port, from string) artifacts.PortRecord {
	return artifacts.PortRecord{Port: port, From: from, Digest: "xxh3:" + fmt16(from) + fmt16(port), Size: 2048, Rows: rows(100)}
}

func manifest(id, name, status string, started string, secs int, params, overrides map[string]any, stages ...artifacts.StageRecord) *artifacts.Manifest {
	if overrides == nil {
		overrides = map[string]any{}
	}
	start := at(started)
	return &artifacts.Manifest{
		SchemaVersion: artifacts.ManifestSchemaVersion, RunID: id, StartedAt: start, FinishedAt: start.Add(time.Duration(secs) * time.Second),
		Status: status, Command: []string{"pipeline", "run", name + ".yaml"},
		Definition: artifacts.DefinitionRef{Path: name + ".yaml", Dir: "/work/defs", Name: name, Digest: "xxh3:" + fmt16(name) + fmt16(name+"!")},
		Params:     params, Overrides: overrides,
		Engine:      artifacts.Engine{Version: "0.1.0", GoVersion: "go1.26.8"},
		Environment: artifacts.Environment{OS: "linux", Arch: "amd64", CPUs: 2, MemoryBytes: 8 << 30, Variables: map[string]string{}},
		Sources:     []artifacts.Source{{Path: "data/mail.jsonl.gz", Digest: "xxh3:" + fmt16("mail") + fmt16("data"), Size: 3 << 20}},
		Stages:      stages,
	}
}

// fixtureManifests are the runs of the fixture workspace: a spam filter, the
// same with a lower learning rate (its ingest cached), a language-model sweep
// and a failed run.
func fixtureManifests() []*artifacts.Manifest {
	spam := func(id, started string, lr float64, overrides map[string]any, ingest string, acc, f1, ce, val float64) *artifacts.Manifest {
		m := manifest(id, "spam-filter", runtime.RunSucceeded, started, 32,
			map[string]any{"seed": 7.0, "train": map[string]any{"lr": lr, "steps": 300.0}}, overrides,
			stage("mail", "ingest", ingest, 795, map[string]float64{"rows": 6046}),
			stage("classifier", "train", runtime.StatusRan, 25900, map[string]float64{"steps": 300, "train_loss": val / 2, "val_loss": val}, in("train", "mail.data")),
			stage("quality", "eval", runtime.StatusRan, 454, map[string]float64{"accuracy": acc, "f1_macro": f1, "cross_entropy": ce},
				in("model", "classifier.model"), in("data", "mail.data")),
		)
		// A cached stage keeps its key; the stages the learning rate reaches change theirs.
		m.Stages[0].Key = "xxh3:" + fmt16("mail") + fmt16("ingest")
		m.Stages[1].Key = "xxh3:" + fmt16("classifier") + fmt16(FormatValue(lr))
		m.Stages[2].Key = "xxh3:" + fmt16("quality") + fmt16(FormatValue(lr))
		return m
	}
	lm := func(lr string, ppl float64) []artifacts.StageRecord {
		return []artifacts.StageRecord{
			stage("lm@train.lr="+lr, "train", runtime.StatusRan, 61000, map[string]float64{"steps": 120, "val_loss": 5.9 + ppl/1000, "train_loss": 5.8}, in("train", "novels.data")),
			stage("perplexity@train.lr="+lr, "eval", runtime.StatusRan, 1200, map[string]float64{"perplexity": ppl, "cross_entropy": 5.9 + ppl/1000},
				in("model", "lm@train.lr="+lr+".model")),
		}
	}
	sweep := append([]artifacts.StageRecord{stage("novels", "ingest", runtime.StatusCached, 0, map[string]float64{"rows": 70000})}, lm("0.003", 361.5)...)
	sweep = append(sweep, lm("0.001", 402.25)...)
	failed := manifest(idFailed, "spam-filter", runtime.RunFailed, "2026-01-02T10:00:00Z", 3,
		map[string]any{"seed": 7.0, "train": map[string]any{"lr": 0.003, "steps": 300.0}}, nil,
		stage("mail", "ingest", runtime.StatusCached, 0, map[string]float64{"rows": 6046}),
		stage("classifier", "train", runtime.StatusFailed, 2100, nil, in("train", "mail.data")),
		stage("quality", "eval", runtime.StatusSkipped, 0, nil, in("model", "classifier.model")),
	)
	failed.Stages[1].Error = "training: loss is NaN at step 12\n(lower train.lr)"
	return []*artifacts.Manifest{
		spam(idBase, "2026-01-01T10:00:00Z", 0.003, nil, runtime.StatusRan, 0.9818181818, 0.9788695947, 0.0472826, 0.0482521),
		spam(idLowLR, "2026-01-01T11:00:00Z", 0.001, map[string]any{"train.lr": 0.001}, runtime.StatusCached, 0.9652892562, 0.9601, 0.0911, 0.0964),
		manifest(idSweep, "tiny-lm", runtime.RunSucceeded, "2026-01-02T09:00:00Z", 150,
			map[string]any{"seed": 11.0, "train": map[string]any{"lr": 0.003, "steps": 120.0}}, nil, sweep...),
		failed,
	}
}

// fixtureWorkspace writes the fixture runs, and one damaged manifest, into a
// fresh workspace.
func fixtureWorkspace(t *testing.T) *runtime.Workspace {
	t.Helper()
	ws, err := runtime.OpenWorkspace(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range fixtureManifests() {
		if err := os.MkdirAll(ws.RunDir(m.RunID), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := m.Write(ws.ManifestPath(m.RunID)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(ws.RunDir(idDamaged), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ws.ManifestPath(idDamaged), []byte("{\"schema_version\": 1, \"run_id\": "), 0o644); err != nil {
		t.Fatal(err)
	}
	return ws
}

func load(t *testing.T, ws *runtime.Workspace, id string) *artifacts.Manifest {
	t.Helper()
	m, _, err := Load(Selection{Workspace: ws}, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
