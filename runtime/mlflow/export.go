package mlflow

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/records"
)

// Run is one recorded run to export and the workspace holding its outputs.
type Run struct {
	Manifest  *artifacts.Manifest
	Workspace *runtime.Workspace
}

// Exported says where one pipeline run went in the store.
type Exported struct {
	PipelineRunID string `json:"pipeline_run_id"`
	RunID         string `json:"run_id"`
	ExperimentID  string `json:"experiment_id"`
	Experiment    string `json:"experiment"`
}

// ErrNotStore reports a directory that exists, holds something, and is not an MLflow file store.
var ErrNotStore = errors.New("not an MLflow file store")

// Export writes the runs into the MLflow file store at dir, creating it
// when it does not exist. Each run becomes the MLflow run RunID names, in
// the experiment of its definition's name (an experiment of that name the
// store already holds, or a new one); a run exported before is replaced
// whole. Every run directory is written beside the store and renamed into
// it, so a reader never sees half a run.
func Export(dir string, runs []Run) ([]Exported, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("exporting to the MLflow store %s: %w", dir, err)
	}
	s := &store{root: abs}
	for _, r := range runs {
		if t := r.Manifest.StartedAt; !t.IsZero() && (s.created.IsZero() || t.Before(s.created)) {
			s.created = t
		}
	}
	if err := s.open(); err != nil {
		return nil, err
	}
	defer s.cleanup()
	var out []Exported
	for _, r := range runs {
		e, err := s.exportRun(r)
		if err != nil {
			return out, fmt.Errorf("exporting run %s to the MLflow store %s: %w", r.Manifest.RunID, abs, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// store is a file store being written.
type store struct {
	root string
	// experiments maps experiment names to ids, as the store holds them.
	experiments map[string]string
	// created is when a new store's default experiment is said to be created:
	// the earliest start of the runs exported.
	created time.Time
	// temps are the directories beside the store still to remove.
	temps []string
}

// open checks that root is a file store (or absent, or empty, and makes
// it one) and reads its experiments.
func (s *store) open() error {
	info, err := os.Stat(s.root)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(s.root), 0o755); err != nil {
			return fmt.Errorf("creating the MLflow store %s: %w", s.root, err)
		}
		tmp, err := s.temp()
		if err != nil {
			return err
		}
		if err := s.skeleton(tmp); err != nil {
			return err
		}
		if err := os.Rename(tmp, s.root); err != nil {
			return fmt.Errorf("creating the MLflow store %s: %w", s.root, err)
		}
	case err != nil:
		return fmt.Errorf("opening the MLflow store %s: %w", s.root, err)
	case !info.IsDir():
		return fmt.Errorf("opening the MLflow store %s: %w: it is a file", s.root, ErrNotStore)
	default:
		entries, err := os.ReadDir(s.root)
		if err != nil {
			return fmt.Errorf("opening the MLflow store %s: %w", s.root, err)
		}
		if len(entries) > 0 && !isStore(s.root, entries) {
			return fmt.Errorf("opening the MLflow store %s: %w: it holds neither %s/%s nor an experiment's %s; give a new or empty directory, or an MLflow store",
				s.root, ErrNotStore, DefaultExperimentID, MetaFile, MetaFile)
		}
		if err := s.skeleton(s.root); err != nil {
			return err
		}
	}
	s.experiments = map[string]string{}
	entries, err := os.ReadDir(s.root)
	if err != nil {
		return fmt.Errorf("reading the MLflow store %s: %w", s.root, err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		meta, err := readExperiment(filepath.Join(s.root, e.Name()))
		if err == nil && meta.ExperimentID == e.Name() && meta.LifecycleStage == LifecycleActive {
			if _, dup := s.experiments[meta.Name]; !dup {
				s.experiments[meta.Name] = meta.ExperimentID
			}
		}
	}
	return nil
}

// isStore reports whether a non-empty directory is a file store: it holds
// the default experiment, the trash folder, or a folder with an
// experiment's meta.yaml.
func isStore(root string, entries []os.DirEntry) bool {
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if e.Name() == TrashDir {
			return true
		}
		if meta, err := readExperiment(filepath.Join(root, e.Name())); err == nil && meta.ExperimentID == e.Name() {
			return true
		}
	}
	return false
}

// skeleton gives a store directory what MLflow makes in a new one: the
// default experiment and the trash folder.
func (s *store) skeleton(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, TrashDir), 0o755); err != nil {
		return fmt.Errorf("creating the MLflow store %s: %w", s.root, err)
	}
	if _, err := os.Stat(filepath.Join(dir, DefaultExperimentID)); err == nil {
		return nil
	}
	var ms int64
	if !s.created.IsZero() {
		ms = Millis(s.created)
	}
	exp := ExperimentMeta{
		ArtifactLocation: fileURI(filepath.Join(s.root, DefaultExperimentID)), CreationTime: ms, ExperimentID: DefaultExperimentID,
		LastUpdateTime: ms, LifecycleStage: LifecycleActive, Name: DefaultExperimentName,
	}
	return s.placeExperiment(dir, exp)
}

// placeExperiment writes a new experiment directory with its meta.yaml
// beside the store and renames it into parent.
func (s *store) placeExperiment(parent string, exp ExperimentMeta) error {
	tmp, err := s.temp()
	if err != nil {
		return err
	}
	if err := writeYAML(filepath.Join(tmp, MetaFile), exp); err != nil {
		return fmt.Errorf("writing experiment %s (%s): %w", exp.ExperimentID, exp.Name, err)
	}
	if err := os.Rename(tmp, filepath.Join(parent, exp.ExperimentID)); err != nil {
		return fmt.Errorf("creating experiment %s (%s) in %s: %w", exp.ExperimentID, exp.Name, parent, err)
	}
	return nil
}

// temp makes a fresh directory beside the store (on its file system, so
// renames into the store are atomic, and outside it, so MLflow never reads it).
func (s *store) temp() (string, error) {
	d, err := os.MkdirTemp(filepath.Dir(s.root), "."+filepath.Base(s.root)+".export-")
	if err != nil {
		return "", fmt.Errorf("making a temporary directory beside the MLflow store %s: %w", s.root, err)
	}
	s.temps = append(s.temps, d)
	return d, nil
}

func (s *store) cleanup() {
	for _, d := range s.temps {
		os.RemoveAll(d)
	}
}

// experiment returns the id of the experiment of a definition's name,
// creating the experiment when the store has none of that name.
func (s *store) experiment(name string, created time.Time) (string, error) {
	if id, ok := s.experiments[name]; ok {
		return id, nil
	}
	id := ExperimentID(name)
	if meta, err := readExperiment(filepath.Join(s.root, id)); err == nil {
		return "", fmt.Errorf("the store's experiment %s is %q, not %q", id, meta.Name, name)
	} else if _, err := os.Stat(filepath.Join(s.root, id)); err == nil {
		return "", fmt.Errorf("the store's folder %s is not an experiment", id)
	}
	ms := Millis(created)
	exp := ExperimentMeta{
		ArtifactLocation: fileURI(filepath.Join(s.root, id)), CreationTime: ms, ExperimentID: id,
		LastUpdateTime: ms, LifecycleStage: LifecycleActive, Name: name,
	}
	if err := s.placeExperiment(s.root, exp); err != nil {
		return "", err
	}
	s.experiments[name] = id
	return id, nil
}

// ExperimentName is the experiment a run belongs to: its definition's name.
func ExperimentName(m *artifacts.Manifest) string {
	if m.Definition.Name != "" {
		return m.Definition.Name
	}
	return strings.TrimSuffix(filepath.Base(m.Definition.Path), filepath.Ext(m.Definition.Path))
}

// exportRun writes one run beside the store and swaps it in.
func (s *store) exportRun(r Run) (Exported, error) {
	m := r.Manifest
	name := ExperimentName(m)
	expID, err := s.experiment(name, m.StartedAt)
	if err != nil {
		return Exported{}, err
	}
	runID := RunID(m.RunID)
	final := filepath.Join(s.root, expID, runID)
	tmp, err := s.temp()
	if err != nil {
		return Exported{}, err
	}
	dir := filepath.Join(tmp, runID)
	if err := writeRun(dir, final, expID, runID, r); err != nil {
		return Exported{}, err
	}
	if err := syncDir(dir); err != nil {
		return Exported{}, err
	}
	// Swap: the old run aside, the new one in, the old one removed.
	if _, err := os.Lstat(final); err == nil {
		if err := os.Rename(final, filepath.Join(tmp, "previous")); err != nil {
			return Exported{}, fmt.Errorf("moving the previous export of the run aside: %w", err)
		}
	}
	if err := os.Rename(dir, final); err != nil {
		os.Rename(filepath.Join(tmp, "previous"), final) // the previous export back in place
		return Exported{}, fmt.Errorf("moving the run into experiment %s: %w", expID, err)
	}
	// A run exported before under another experiment (its definition renamed) is not kept twice.
	for _, other := range s.experiments {
		if other != expID {
			stale := filepath.Join(s.root, other, runID)
			if _, err := os.Lstat(stale); err == nil {
				if err := os.RemoveAll(stale); err != nil {
					return Exported{}, fmt.Errorf("removing the run's earlier export from experiment %s: %w", other, err)
				}
			}
		}
	}
	return Exported{PipelineRunID: m.RunID, RunID: runID, ExperimentID: expID, Experiment: name}, nil
}

// writeRun writes a run's directory at dir, naming its final place in the store in meta.yaml.
func writeRun(dir, final, expID, runID string, r Run) error {
	m := r.Manifest
	meta := RunMeta{
		ArtifactURI: fileURI(filepath.Join(final, ArtifactsDir)), ExperimentID: expID, LifecycleStage: LifecycleActive,
		RunID: runID, RunName: runName(m), RunUUID: runID, SourceType: SourceTypeLocal,
		StartTime: Millis(m.StartedAt), Status: RunStatus(m.Status), Tags: []string{},
	}
	if !m.FinishedAt.IsZero() {
		end := Millis(m.FinishedAt)
		meta.EndTime = &end
	}
	for _, sub := range []string{ParamsDir, MetricsDir, TagsDir, ArtifactsDir} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return fmt.Errorf("writing the run: %w", err)
		}
	}
	if err := writeYAML(filepath.Join(dir, MetaFile), meta); err != nil {
		return fmt.Errorf("writing the run's %s: %w", MetaFile, err)
	}
	for _, p := range Params(m) {
		if err := writeFile(filepath.Join(dir, ParamsDir, p.Key), []byte(p.Value)); err != nil {
			return fmt.Errorf("writing param %s: %w", p.Key, err)
		}
	}
	metrics, err := Metrics(r.Workspace, m)
	if err != nil {
		return err
	}
	for _, mt := range metrics {
		var b strings.Builder
		for _, v := range mt.Values {
			b.WriteString(MetricLine(v.Timestamp, v.Value, v.Step))
		}
		if err := writeFile(filepath.Join(dir, MetricsDir, mt.Key), []byte(b.String())); err != nil {
			return fmt.Errorf("writing metric %s: %w", mt.Key, err)
		}
	}
	for _, t := range Tags(m) {
		if err := writeFile(filepath.Join(dir, TagsDir, t.Key), []byte(t.Value)); err != nil {
			return fmt.Errorf("writing tag %s: %w", t.Key, err)
		}
	}
	return writeArtifacts(filepath.Join(dir, ArtifactsDir), r)
}

// runName is the run's name, or its id when it has none.
func runName(m *artifacts.Manifest) string {
	if m.Name != "" {
		return m.Name
	}
	return m.RunID
}

// KeyValue is one param or tag.
type KeyValue struct {
	Key   string
	Value string
}

// Params are a run's resolved params under their dotted keys (secrets stay
// the placeholders the manifest holds), and for a sweep each swept key's
// values, comma-separated, as `sweep.KEY`.
func Params(m *artifacts.Manifest) []KeyValue {
	var out []KeyValue
	seen := map[string]bool{}
	for _, p := range records.Flatten(m.Params) {
		k := Key(p.Key)
		if !seen[k] {
			seen[k] = true
			out = append(out, KeyValue{Key: k, Value: records.FormatValue(p.Value)})
		}
	}
	sw := records.Sweep(m)
	for i, axis := range sw.Axes {
		var values []string
		for _, row := range sw.Rows {
			if v := row.Point[i]; v != "" && !slices.Contains(values, v) {
				values = append(values, v)
			}
		}
		k := Key("sweep." + axis)
		if !seen[k] {
			seen[k] = true
			out = append(out, KeyValue{Key: k, Value: strings.Join(values, ",")})
		}
	}
	return out
}

// Tags are the tags of a run's MLflow run: its name, its own tags, note,
// git state, definition and pipeline run id.
func Tags(m *artifacts.Manifest) []KeyValue {
	tags := map[string]string{}
	for k, v := range m.Tags {
		tags[Key(k)] = v
	}
	tags[TagRunName] = runName(m)
	tags[TagRunID] = m.RunID
	tags[TagStatus] = m.Status
	tags[TagDefinition] = records.DefinitionFile(m)
	tags[TagSource] = m.Definition.Path
	if m.Note != "" {
		tags[TagNote] = m.Note
	}
	if m.Git != nil {
		tags[TagGitCommit] = m.Git.Commit
		if m.Git.Branch != "" {
			tags[TagGitBranch] = m.Git.Branch
		}
		tags[TagGitDirty] = strconv.FormatBool(m.Git.Dirty)
	}
	var out []KeyValue
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, KeyValue{Key: k, Value: tags[k]})
	}
	return out
}

// Metric is one MLflow metric: its values in the order they are written.
type Metric struct {
	Key    string
	Values []MetricValue
}

// MetricValue is one line of a metric file.
type MetricValue struct {
	Timestamp int64
	Value     float64
	Step      int64
}

// Metrics are a run's metrics, sorted by key: each stage instance's step
// metrics (its history table) as `STAGE.NAME` with a line per step, its
// final metrics as `STAGE.NAME` with one line (added after the history
// when it holds the same name with another last value), and each key
// metric (accuracy, val_loss …) under its bare name with the best value any
// stage reported. Instance names are made MLflow keys with Key.
func Metrics(ws *runtime.Workspace, m *artifacts.Manifest) ([]Metric, error) {
	byKey := map[string]*Metric{}
	get := func(k string) *Metric {
		mt, ok := byKey[k]
		if !ok {
			mt = &Metric{Key: k}
			byKey[k] = mt
		}
		return mt
	}
	for i := range m.Stages {
		st := &m.Stages[i]
		start, end := stageTimes(m, st)
		prefix := Key(st.Name) + "."
		last := map[string]MetricValue{}
		if st.Status == runtime.StatusRan || st.Status == runtime.StatusCached {
			h, err := records.ReadHistory(ws, st)
			if err != nil {
				return nil, err
			}
			if h != nil {
				n := len(h.Steps)
				for _, name := range h.Names {
					mt := get(prefix + Key(name))
					for j, v := range h.Values[name] {
						if math.IsNaN(v) {
							continue
						}
						ts := start
						if n > 1 {
							ts = start + (end-start)*int64(j)/int64(n-1)
						}
						mv := MetricValue{Timestamp: ts, Value: v, Step: int64(h.Steps[j])}
						mt.Values = append(mt.Values, mv)
						last[name] = mv
					}
				}
			}
		}
		for _, name := range slices.Sorted(maps.Keys(st.Metrics)) {
			v := st.Metrics[name]
			prev, ok := last[name]
			if ok && sameValue(prev.Value, v) {
				continue
			}
			mt := get(prefix + Key(name))
			mt.Values = append(mt.Values, MetricValue{Timestamp: end, Value: v, Step: prev.Step})
		}
	}
	for _, r := range records.KeyMetricRanges(records.KeyMetrics(m)) {
		if _, taken := byKey[Key(r.Metric)]; taken {
			continue
		}
		get(Key(r.Metric)).Values = []MetricValue{{Timestamp: Millis(m.FinishedAt), Value: r.Best}}
	}
	out := make([]Metric, 0, len(byKey))
	for _, mt := range byKey {
		out = append(out, *mt)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func sameValue(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}

// stageTimes are a stage's start and end in milliseconds, the run's where
// the stage has none.
func stageTimes(m *artifacts.Manifest, st *artifacts.StageRecord) (int64, int64) {
	start, end := Millis(m.StartedAt), Millis(m.FinishedAt)
	if st.StartedAt != nil && !st.StartedAt.IsZero() {
		start = Millis(*st.StartedAt)
	}
	if st.FinishedAt != nil && !st.FinishedAt.IsZero() {
		end = Millis(*st.FinishedAt)
	}
	if end < start {
		end = start
	}
	return start, end
}

// LinkSuffix ends the name of the file that stands for an output where the
// file system allows no symbolic link: it holds the output's path in the store.
const LinkSuffix = ".path"

// writeArtifacts links each output of the run's stages, as
// artifacts/<instance>/<port>, to its object in the workspace's store.
func writeArtifacts(dir string, r Run) error {
	for _, st := range r.Manifest.Stages {
		if len(st.Outputs) == 0 || (st.Status != runtime.StatusRan && st.Status != runtime.StatusCached) {
			continue
		}
		sd := filepath.Join(dir, artifactName(st.Name))
		if err := os.MkdirAll(sd, 0o755); err != nil {
			return fmt.Errorf("writing the artifacts of stage %s: %w", st.Name, err)
		}
		for _, o := range st.Outputs {
			target := r.Workspace.Store.ObjectPath(o.Digest)
			link := filepath.Join(sd, artifactName(o.Port))
			if err := os.Symlink(target, link); err != nil {
				if err := writeFile(link+LinkSuffix, []byte(target+"\n")); err != nil {
					return fmt.Errorf("linking output %s.%s: %w", st.Name, o.Port, err)
				}
			}
		}
	}
	return nil
}

// artifactName keeps a stage or port name as a single path element.
func artifactName(s string) string {
	s = strings.NewReplacer("/", "_", "\\", "_").Replace(s)
	if s == "." || s == ".." || s == "" {
		s = "_" + s
	}
	return s
}

// readExperiment reads an experiment directory's meta.yaml.
func readExperiment(dir string) (*ExperimentMeta, error) {
	b, err := os.ReadFile(filepath.Join(dir, MetaFile))
	if err != nil {
		return nil, err
	}
	var raw map[string]any
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", filepath.Join(dir, MetaFile), err)
	}
	id, ok := raw["experiment_id"]
	if !ok {
		return nil, fmt.Errorf("%s names no experiment_id", filepath.Join(dir, MetaFile))
	}
	meta := &ExperimentMeta{ExperimentID: fmt.Sprint(id), LifecycleStage: LifecycleActive}
	if n, ok := raw["name"].(string); ok {
		meta.Name = n
	}
	if l, ok := raw["lifecycle_stage"].(string); ok {
		meta.LifecycleStage = l
	}
	return meta, nil
}

// writeYAML writes v as YAML to a new file.
func writeYAML(path string, v any) error {
	b, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", path, err)
	}
	return writeFile(path, b)
}

// writeFile writes a new file and flushes it to the disk.
func writeFile(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir flushes a directory tree's entries to the disk before it is renamed into place.
func syncDir(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := f.Sync(); err != nil {
			return fmt.Errorf("flushing %s: %w", p, err)
		}
		return nil
	})
}
