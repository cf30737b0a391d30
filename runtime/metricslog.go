package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"

	"path/filepath"

	"github.com/mlpipe/pipeline/artifacts"
)

// MetricsSchemaVersion is the version of the records in a run's metrics.ndjson.
const MetricsSchemaVersion = 1

// metricsRecord is one line of runs/<id>/metrics.ndjson: the metrics one
// stage reported in one run. Stage outputs stay free of run ids and clocks
// (so they reproduce bit for bit); this file ties them to the run.
type metricsRecord struct {
	SchemaVersion int                `json:"schema_version"`
	Run           string             `json:"run"`
	Stage         string             `json:"stage"`
	Kind          string             `json:"kind"`
	Status        string             `json:"status"`
	Timestamp     string             `json:"timestamp"`
	Point         map[string]any     `json:"point,omitempty"`
	Metrics       map[string]float64 `json:"metrics"`
}

// writeMetricsLog writes one NDJSON record per stage that reported metrics.
func writeMetricsLog(ws *Workspace, m *artifacts.Manifest) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, s := range m.Stages {
		if len(s.Metrics) == 0 {
			continue
		}
		ts := m.FinishedAt
		if s.FinishedAt != nil {
			ts = *s.FinishedAt
		}
		rec := metricsRecord{SchemaVersion: MetricsSchemaVersion, Run: m.RunID, Stage: s.Name, Kind: s.Kind,
			Status: s.Status, Timestamp: ts.UTC().Format("2006-01-02T15:04:05.000Z"), Point: s.Point, Metrics: s.Metrics}
		if err := enc.Encode(rec); err != nil {
			return fmt.Errorf("encoding metrics of %s: %w", s.Name, err)
		}
	}
	return artifacts.WriteFileAtomic(filepath.Join(ws.RunDir(m.RunID), "metrics.ndjson"), buf.Bytes())
}
