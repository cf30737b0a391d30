// Package mlflow writes recorded runs as an MLflow file store: the
// directory tree MLflow's own FileStore reads when its tracking URI is
// `file:DIR`, so `mlflow ui`, `mlflow.search_runs` and MlflowClient see the
// engine's runs as MLflow runs.
//
// This file is the whole format contract: the layout of the store, the
// fields of its meta.yaml files, the run status codes, the metric line and
// the names MLflow accepts. Everything else in the package builds on it.
//
//	DIR/
//	  0/meta.yaml                      the default experiment MLflow expects
//	  .trash/                          MLflow's deleted experiments (kept empty)
//	  <experiment_id>/meta.yaml        one experiment per definition
//	  <experiment_id>/<run_id>/
//	    meta.yaml                      run_id, run_uuid, run_name, status, times …
//	    params/<key>                   the value as text, no newline
//	    metrics/<key>                  one `timestamp value step` line per value
//	    tags/<key>                     the value as text, no newline
//	    artifacts/<stage>/<port>       a symbolic link to the output in the store
package mlflow

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Names of the files and folders of a file store.
const (
	MetaFile     = "meta.yaml"
	TrashDir     = ".trash"
	MetricsDir   = "metrics"
	ParamsDir    = "params"
	TagsDir      = "tags"
	ArtifactsDir = "artifacts"
	// ModelsDir is the model registry's folder, which MLflow keeps beside the experiments.
	ModelsDir = "models"
)

// The default experiment every file store holds.
const (
	DefaultExperimentID   = "0"
	DefaultExperimentName = "Default"
)

// LifecycleActive is the lifecycle stage of a live experiment or run.
const LifecycleActive = "active"

// Run status codes as meta.yaml stores them (MLflow's RunStatus enum).
const (
	StatusRunning  = 1
	StatusFinished = 3
	StatusFailed   = 4
	StatusKilled   = 5
)

// SourceTypeLocal is MLflow's SourceType.LOCAL, which its FileStore records for every run.
const SourceTypeLocal = 4

// Tags the export sets on every run, beside the run's own `--tag k=v`.
const (
	TagRunName   = "mlflow.runName"
	TagNote      = "mlflow.note.content"
	TagGitCommit = "mlflow.source.git.commit"
	TagGitBranch = "mlflow.source.git.branch"
	TagSource    = "mlflow.source.name"
	TagUser      = "mlflow.user"
	// TagRunID names the pipeline run an MLflow run was exported from.
	TagRunID      = "pipeline.run_id"
	TagDefinition = "pipeline.definition"
	TagStatus     = "pipeline.status"
	TagGitDirty   = "pipeline.git.dirty"
)

// ExperimentMeta is an experiment's meta.yaml.
type ExperimentMeta struct {
	ArtifactLocation string `yaml:"artifact_location"`
	CreationTime     int64  `yaml:"creation_time"`
	ExperimentID     string `yaml:"experiment_id"`
	LastUpdateTime   int64  `yaml:"last_update_time"`
	LifecycleStage   string `yaml:"lifecycle_stage"`
	Name             string `yaml:"name"`
}

// RunMeta is a run's meta.yaml. EndTime is nil while a run has not ended;
// Tags stays an empty list (tags live in tags/, the list is for old readers).
type RunMeta struct {
	ArtifactURI    string   `yaml:"artifact_uri"`
	EndTime        *int64   `yaml:"end_time"`
	EntryPointName string   `yaml:"entry_point_name"`
	ExperimentID   string   `yaml:"experiment_id"`
	LifecycleStage string   `yaml:"lifecycle_stage"`
	RunID          string   `yaml:"run_id"`
	RunName        string   `yaml:"run_name"`
	RunUUID        string   `yaml:"run_uuid"`
	SourceName     string   `yaml:"source_name"`
	SourceType     int      `yaml:"source_type"`
	SourceVersion  string   `yaml:"source_version"`
	StartTime      int64    `yaml:"start_time"`
	Status         int      `yaml:"status"`
	Tags           []string `yaml:"tags"`
	UserID         string   `yaml:"user_id"`
}

// RunStatus maps a pipeline run's status to MLflow's: succeeded is
// FINISHED, failed FAILED, interrupted KILLED; anything else is still RUNNING.
func RunStatus(status string) int {
	switch status {
	case "succeeded":
		return StatusFinished
	case "failed":
		return StatusFailed
	case "interrupted":
		return StatusKilled
	}
	return StatusRunning
}

// RunID is the MLflow run id of a pipeline run: 32 lower-case hex digits
// (the form MLflow validates) of a hash of the pipeline run id, so the same
// run always exports to the same MLflow run.
func RunID(pipelineRunID string) string {
	sum := sha256.Sum256([]byte("mlpipe run\x00" + pipelineRunID))
	return hex.EncodeToString(sum[:16])
}

// ExperimentID is the id a definition's experiment gets in a store that
// does not hold one of that name yet: 18 decimal digits (MLflow's own ids
// are integers) from a hash of the name.
func ExperimentID(name string) string {
	sum := sha256.Sum256([]byte("mlpipe experiment\x00" + name))
	n := binary.BigEndian.Uint64(sum[:8])%900_000_000_000_000_000 + 100_000_000_000_000_000
	return strconv.FormatUint(n, 10)
}

// Millis is a time as MLflow stores it: milliseconds since the epoch.
func Millis(t time.Time) int64 { return t.UnixMilli() }

// MetricLine is one value of a metric file: `timestamp value step`.
func MetricLine(timestampMS int64, value float64, step int64) string {
	return fmt.Sprintf("%d %s %d\n", timestampMS, strconv.FormatFloat(value, 'g', -1, 64), step)
}

// Key makes a name MLflow accepts for a param, metric or tag (letters,
// digits, `_`, `-`, `.` and space; a name is also a file name): every other
// character becomes `_`, so a sweep instance `lm@train.lr=0.001` is
// `lm_train.lr_0.001`. A name of only dots gets a leading `_`.
func Key(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.', r == ' ':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	k := b.String()
	if strings.Trim(k, ".") == "" {
		k = "_" + k
	}
	return k
}

// fileURI is the file: URI of an absolute path, as MLflow writes artifact locations.
func fileURI(abs string) string {
	return "file://" + abs
}
