package mlflow

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"go.yaml.in/yaml/v3"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/internal/testutil/tabletest"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/stages"
	_ "github.com/mlpipe/pipeline/stages/baseline"
	_ "github.com/mlpipe/pipeline/stages/eval"
)

// digest makes a well-formed digest from a small number.
func digest(n int) string {
	return fmt.Sprintf("xxh3:%032x", n)
}

// writeHistory stores a history table: step, train_loss and a val_loss every other step.
func writeHistory(t *testing.T, ws *runtime.Workspace, d string, start float64) {
	t.Helper()
	path := ws.Store.ObjectPath(d)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "step", Type: arrow.PrimitiveTypes.Int64},
		{Name: "train_loss", Type: arrow.PrimitiveTypes.Float64},
		{Name: "val_loss", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for s := 1; s <= 4; s++ {
		b.Field(0).(*array.Int64Builder).Append(int64(s * 10))
		b.Field(1).(*array.Float64Builder).Append(start / float64(s))
		if s%2 == 0 {
			b.Field(2).(*array.Float64Builder).Append(start/float64(s) + 0.125)
		} else {
			b.Field(2).AppendNull()
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	tabletest.Write(t, path, rec)
}

func stage(name, kind, status string, start time.Time, ms int64, metrics map[string]float64, outputs ...artifacts.PortRecord) artifacts.StageRecord {
	end := start.Add(time.Duration(ms) * time.Millisecond)
	if outputs == nil {
		outputs = []artifacts.PortRecord{}
	}
	return artifacts.StageRecord{Name: name, Kind: kind, Version: "1", Status: status, Params: map[string]any{},
		Inputs: []artifacts.PortRecord{}, Outputs: outputs, StartedAt: &start, FinishedAt: &end, DurationMS: ms, Metrics: metrics,
		KeyMetrics: testutil.KeyMetricsOf(kind)}
}

// fixture is a workspace holding two runs of one definition (the second a
// learning-rate sweep with a secret parameter, a name, tags, a note and its
// git state) and a failed run of another definition.
func fixture(t *testing.T) (*runtime.Workspace, []*artifacts.Manifest) {
	t.Helper()
	ws, err := runtime.OpenWorkspace(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	writeHistory(t, ws, digest(11), 2)
	writeHistory(t, ws, digest(21), 4)
	writeHistory(t, ws, digest(22), 8)
	t0 := time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)
	hist := func(d int) artifacts.PortRecord {
		return artifacts.PortRecord{Port: "history", Digest: digest(d), Size: 500, Role: string(stages.RoleHistory)}
	}
	model := func(d int) artifacts.PortRecord {
		return artifacts.PortRecord{Port: "model", Digest: digest(d), Size: 1 << 20, Dir: true, Role: string(stages.RoleModel)}
	}
	base := &artifacts.Manifest{
		SchemaVersion: artifacts.ManifestSchemaVersion, RunID: "20260102T090000.000Z-aaaaaa", StartedAt: t0, FinishedAt: t0.Add(10 * time.Second),
		Status:     runtime.RunSucceeded,
		Definition: artifacts.DefinitionRef{Path: "spam.yaml", Dir: "/defs", Name: "spam", Digest: digest(5)},
		Params:     map[string]any{"seed": 7.0, "train": map[string]any{"lr": 0.003, "steps": 40.0}},
		Overrides:  map[string]any{},
		Stages: []artifacts.StageRecord{
			stage("classifier", "train", runtime.StatusRan, t0, 3000, map[string]float64{"train_loss": 0.5, "val_loss": 0.75, "steps": 40}, model(10), hist(11)),
			stage("quality", "eval", runtime.StatusRan, t0.Add(3*time.Second), 500, map[string]float64{"accuracy": 0.96875, "f1_macro": 0.9}),
		},
	}
	t1 := t0.Add(time.Hour)
	sweep := &artifacts.Manifest{
		SchemaVersion: artifacts.ManifestSchemaVersion, RunID: "20260102T100000.000Z-bbbbbb", StartedAt: t1, FinishedAt: t1.Add(20 * time.Second),
		Status: runtime.RunSucceeded, Name: "lr-sweep", Tags: map[string]string{"team": "nlp", "odd key!": "x"}, Note: "two learning rates",
		Git:        &artifacts.GitState{Commit: "0123456789abcdef0123456789abcdef01234567", Branch: "main", Dirty: true},
		Definition: artifacts.DefinitionRef{Path: "spam.yaml", Dir: "/defs", Name: "spam", Digest: digest(5)},
		Params:     map[string]any{"seed": 7.0, "train": map[string]any{"lr": 0.003, "steps": 40.0}, "hf_token": "[secret:HF_TOKEN]"},
		Overrides:  map[string]any{},
		Stages: []artifacts.StageRecord{
			stage("classifier@train.lr=0.003", "train", runtime.StatusCached, t1, 0, map[string]float64{"train_loss": 0.5, "val_loss": 0.75, "steps": 40}, model(10), hist(11)),
			stage("classifier@train.lr=0.01", "train", runtime.StatusRan, t1, 3000, map[string]float64{"train_loss": 2, "val_loss": 1.125, "steps": 40}, model(20), hist(21)),
			stage("quality@train.lr=0.003", "eval", runtime.StatusCached, t1.Add(3*time.Second), 0, map[string]float64{"accuracy": 0.96875}),
			stage("quality@train.lr=0.01", "eval", runtime.StatusRan, t1.Add(3*time.Second), 500, map[string]float64{"accuracy": 0.9375}),
		},
	}
	t2 := t1.Add(time.Hour)
	failed := &artifacts.Manifest{
		SchemaVersion: artifacts.ManifestSchemaVersion, RunID: "20260102T110000.000Z-cccccc", StartedAt: t2, FinishedAt: t2.Add(time.Second),
		Status:     runtime.RunFailed,
		Definition: artifacts.DefinitionRef{Path: "lm.yaml", Dir: "/defs", Name: "lm", Digest: digest(6)},
		Params:     map[string]any{},
		Overrides:  map[string]any{},
		Stages: []artifacts.StageRecord{
			stage("fit", "exec", runtime.StatusFailed, t2, 100, map[string]float64{}),
		},
	}
	ms := []*artifacts.Manifest{base, sweep, failed}
	for _, m := range ms {
		if err := os.MkdirAll(ws.RunDir(m.RunID), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := m.Write(ws.ManifestPath(m.RunID)); err != nil {
			t.Fatal(err)
		}
	}
	return ws, ms
}

func runsOf(ws *runtime.Workspace, ms []*artifacts.Manifest) []Run {
	var out []Run
	for _, m := range ms {
		out = append(out, Run{Manifest: m, Workspace: ws})
	}
	return out
}

// snapshot writes a store's tree, one entry a line: directories, files
// with their contents, links with their targets; the store's and the
// workspace's paths are replaced by $STORE and $WS.
func snapshot(t *testing.T, dir string, ws *runtime.Workspace) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			lines = append(lines, rel+" -> "+target)
		case d.IsDir():
			lines = append(lines, rel+"/")
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			lines = append(lines, rel+":\n"+indent(string(b)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	s := strings.Join(lines, "\n") + "\n"
	s = strings.ReplaceAll(s, ws.Root, "$WS")
	return strings.ReplaceAll(s, dir, "$STORE")
}

func indent(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

func TestExportGolden(t *testing.T) {
	ws, ms := fixture(t)
	dir := filepath.Join(t.TempDir(), "mlruns")
	out, err := Export(dir, runsOf(ws, ms))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 3 || out[0].ExperimentID != out[1].ExperimentID || out[2].ExperimentID == out[0].ExperimentID {
		t.Errorf("exported: %+v", out)
	}
	testutil.Golden(t, filepath.Join("testdata", "store.golden"), []byte(snapshot(t, dir, ws)))
}

func readYAML(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestExportLayout(t *testing.T) {
	ws, ms := fixture(t)
	dir := filepath.Join(t.TempDir(), "mlruns")
	out, err := Export(dir, runsOf(ws, ms))
	if err != nil {
		t.Fatal(err)
	}
	if def := readYAML(t, filepath.Join(dir, "0", MetaFile)); def["experiment_id"] != "0" || def["name"] != "Default" {
		t.Errorf("default experiment: %v", def)
	}
	if info, err := os.Stat(filepath.Join(dir, TrashDir)); err != nil || !info.IsDir() {
		t.Errorf("no trash folder: %v", err)
	}
	exp := readYAML(t, filepath.Join(dir, out[1].ExperimentID, MetaFile))
	want := map[string]any{"experiment_id": out[1].ExperimentID, "name": "spam", "lifecycle_stage": "active",
		"artifact_location": "file://" + filepath.Join(dir, out[1].ExperimentID), "creation_time": 1767344400000, "last_update_time": 1767344400000}
	for k, v := range want {
		if fmt.Sprint(exp[k]) != fmt.Sprint(v) {
			t.Errorf("experiment %s = %v, want %v", k, exp[k], v)
		}
	}
	if !regexp.MustCompile(`^[1-9][0-9]{17}$`).MatchString(out[1].ExperimentID) {
		t.Errorf("experiment id %q is not an integer id", out[1].ExperimentID)
	}
	run := filepath.Join(dir, out[1].ExperimentID, out[1].RunID)
	meta := readYAML(t, filepath.Join(run, MetaFile))
	wantRun := map[string]any{"run_id": out[1].RunID, "run_uuid": out[1].RunID, "run_name": "lr-sweep", "experiment_id": out[1].ExperimentID,
		"status": StatusFinished, "lifecycle_stage": "active", "start_time": 1767348000000, "end_time": 1767348020000,
		"artifact_uri": "file://" + filepath.Join(run, ArtifactsDir)}
	for k, v := range wantRun {
		if fmt.Sprint(meta[k]) != fmt.Sprint(v) {
			t.Errorf("run %s = %v, want %v", k, meta[k], v)
		}
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(out[1].RunID) || out[1].RunID != RunID(ms[1].RunID) {
		t.Errorf("run id %q", out[1].RunID)
	}
	if m := readYAML(t, filepath.Join(dir, out[2].ExperimentID, out[2].RunID, MetaFile)); m["status"] != StatusFailed || m["run_name"] != ms[2].RunID {
		t.Errorf("failed run: %v", m)
	}
	for k, v := range map[string]string{"train.lr": "0.003", "train.steps": "40", "seed": "7", "hf_token": "[secret:HF_TOKEN]", "sweep.train.lr": "0.003,0.01"} {
		if got := read(t, filepath.Join(run, ParamsDir, k)); got != v {
			t.Errorf("param %s = %q, want %q", k, got, v)
		}
	}
	for k, v := range map[string]string{TagRunName: "lr-sweep", TagNote: "two learning rates", TagGitCommit: ms[1].Git.Commit, TagGitBranch: "main",
		TagRunID: ms[1].RunID, "team": "nlp", "odd key_": "x", TagGitDirty: "true"} {
		if got := read(t, filepath.Join(run, TagsDir, k)); got != v {
			t.Errorf("tag %s = %q, want %q", k, got, v)
		}
	}
	// Step metrics: a line per step that has a value; final ones: one line.
	if got := read(t, filepath.Join(run, MetricsDir, "classifier_train.lr_0.01.val_loss")); got != "1767348001000 2.125 20\n1767348003000 1.125 40\n" {
		t.Errorf("val_loss history:\n%s", got)
	}
	if got := read(t, filepath.Join(run, MetricsDir, "quality_train.lr_0.01.accuracy")); got != "1767348003500 0.9375 0\n" {
		t.Errorf("final accuracy: %q", got)
	}
	if got := read(t, filepath.Join(run, MetricsDir, "accuracy")); got != "1767348020000 0.96875 0\n" {
		t.Errorf("key metric accuracy (best of the points): %q", got)
	}
	// A final metric beside a history of the same name whose last value differs follows it.
	if got := read(t, filepath.Join(run, MetricsDir, "classifier_train.lr_0.01.train_loss")); !strings.HasSuffix(got, "1767348003000 1 40\n1767348003000 2 40\n") {
		t.Errorf("train_loss with its final value:\n%s", got)
	}
	target, err := os.Readlink(filepath.Join(run, ArtifactsDir, "classifier@train.lr=0.01", "model"))
	if err != nil || target != ws.Store.ObjectPath(digest(20)) {
		t.Errorf("model artifact links to %q (%v), want the store's object", target, err)
	}
	if _, err := os.Stat(filepath.Join(run, ArtifactsDir, "quality@train.lr=0.01")); err == nil {
		t.Error("a stage without outputs has an artifact folder")
	}
	// Nothing is left beside the store.
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("beside the store: %v", entries)
	}
}

func TestMetricLineFormat(t *testing.T) {
	for _, c := range []struct {
		ts   int64
		v    float64
		step int64
		want string
	}{
		{1767348000000, 0.5, 3, "1767348000000 0.5 3\n"},
		{1, 1e-7, 0, "1 1e-07 0\n"},
		{1, 12345678, 10, "1 1.2345678e+07 10\n"},
		{1, math.NaN(), 1, "1 NaN 1\n"},
		{1, math.Inf(1), 1, "1 +Inf 1\n"},
		{1, -2, 1, "1 -2 1\n"},
	} {
		if got := MetricLine(c.ts, c.v, c.step); got != c.want {
			t.Errorf("MetricLine(%d, %v, %d) = %q, want %q", c.ts, c.v, c.step, got, c.want)
		}
	}
	for in, want := range map[string]string{"lm@train.lr=0.001,seed=3": "lm_train.lr_0.001_seed_3", "a/b": "a_b", "..": "_..", "ok name-1.x": "ok name-1.x"} {
		if got := Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExportIsIdempotent(t *testing.T) {
	ws, ms := fixture(t)
	dir := filepath.Join(t.TempDir(), "mlruns")
	if _, err := Export(dir, runsOf(ws, ms[:1])); err != nil {
		t.Fatal(err)
	}
	if _, err := Export(dir, runsOf(ws, ms)); err != nil {
		t.Fatal(err)
	}
	first := snapshot(t, dir, ws)
	// Again, and again with a run twice: the same store, byte for byte.
	if _, err := Export(dir, runsOf(ws, append(ms, ms[1]))); err != nil {
		t.Fatal(err)
	}
	if again := snapshot(t, dir, ws); again != first {
		t.Errorf("a second export changed the store:\n%s\nvs\n%s", first, again)
	}
	// A stale file in an exported run is gone after the run is exported again.
	run := filepath.Join(dir, ExperimentID("spam"), RunID(ms[0].RunID))
	if err := os.WriteFile(filepath.Join(run, ParamsDir, "stale"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Export(dir, runsOf(ws, ms[:1])); err != nil {
		t.Fatal(err)
	}
	if again := snapshot(t, dir, ws); again != first {
		t.Errorf("a re-export did not replace the run whole")
	}
}

func TestExportSecretsStayPlaceholders(t *testing.T) {
	ws, ms := fixture(t)
	// The manifest holds a placeholder; a value that only the environment
	// holds must not appear anywhere in the store.
	t.Setenv("HF_TOKEN", "hf-secret-value-QQQQ")
	dir := filepath.Join(t.TempDir(), "mlruns")
	if _, err := Export(dir, runsOf(ws, ms)); err != nil {
		t.Fatal(err)
	}
	s := snapshot(t, dir, ws)
	if strings.Contains(s, "hf-secret-value-QQQQ") {
		t.Error("the store holds the secret's value")
	}
	if !strings.Contains(s, "[secret:HF_TOKEN]") {
		t.Error("the store does not hold the secret's placeholder")
	}
}

func TestExportIntoAnExistingStore(t *testing.T) {
	ws, ms := fixture(t)
	dir := t.TempDir()
	// An experiment MLflow made, of the definition's name, with a run of its own.
	if err := os.MkdirAll(filepath.Join(dir, "417", "0123456789abcdef0123456789abcdef"), 0o755); err != nil {
		t.Fatal(err)
	}
	meta := "artifact_location: file:///x/417\ncreation_time: 1\nexperiment_id: '417'\nlast_update_time: 1\nlifecycle_stage: active\nname: spam\n"
	if err := os.WriteFile(filepath.Join(dir, "417", MetaFile), []byte(meta), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := Export(dir, runsOf(ws, ms[:2]))
	if err != nil {
		t.Fatal(err)
	}
	if out[0].ExperimentID != "417" || out[1].ExperimentID != "417" {
		t.Errorf("runs went to %+v, want the existing experiment 417", out)
	}
	if read(t, filepath.Join(dir, "417", MetaFile)) != meta {
		t.Error("the existing experiment's meta.yaml changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "417", "0123456789abcdef0123456789abcdef")); err != nil {
		t.Error("the experiment's own run is gone")
	}
	if _, err := os.Stat(filepath.Join(dir, "0", MetaFile)); err != nil {
		t.Errorf("no default experiment added: %v", err)
	}
}

func TestExportRefusesWhatIsNotAStore(t *testing.T) {
	ws, ms := fixture(t)
	notStore := t.TempDir()
	if err := os.WriteFile(filepath.Join(notStore, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(notStore, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{notStore, file} {
		_, err := Export(dir, runsOf(ws, ms))
		if !errors.Is(err, ErrNotStore) || !strings.Contains(err.Error(), dir) {
			t.Errorf("Export(%s): %v, want ErrNotStore naming it", dir, err)
		}
	}
	entries, _ := os.ReadDir(notStore)
	if len(entries) != 2 {
		t.Errorf("the directory was written to: %v", entries)
	}
	// An empty directory becomes a store.
	empty := t.TempDir()
	if _, err := Export(empty, runsOf(ws, ms)); err != nil {
		t.Errorf("an empty directory: %v", err)
	}
}
