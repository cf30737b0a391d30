package records

import (
	"time"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
)

// StatusUnreadable is the status of a run whose manifest could not be read.
const StatusUnreadable = "unreadable"

// Summary is one line of the run listing.
type Summary struct {
	ID             string         `json:"id"`
	StartedAt      time.Time      `json:"started_at"`
	FinishedAt     time.Time      `json:"finished_at"`
	DurationMS     int64          `json:"duration_ms"`
	Status         string         `json:"status"`
	Definition     string         `json:"definition"`
	DefinitionPath string         `json:"definition_path"`
	Overrides      map[string]any `json:"overrides"`
	Stages         int            `json:"stages"`
	Ran            int            `json:"ran"`
	Cached         int            `json:"cached"`
	Failed         int            `json:"failed"`
	Skipped        int            `json:"skipped"`
	Metrics        []Metric       `json:"metrics"`
	// Error says why a manifest could not be read (status `unreadable`).
	Error string `json:"error,omitempty"`
}

// Summarize condenses a manifest into its listing line.
func Summarize(m *artifacts.Manifest) Summary {
	s := Summary{
		ID:             m.RunID,
		StartedAt:      m.StartedAt,
		FinishedAt:     m.FinishedAt,
		Status:         m.Status,
		Definition:     m.Definition.Name,
		DefinitionPath: m.Definition.Path,
		Overrides:      m.Overrides,
		Stages:         len(m.Stages),
		Metrics:        KeyMetrics(m),
	}
	if s.Overrides == nil {
		s.Overrides = map[string]any{}
	}
	if s.Metrics == nil {
		s.Metrics = []Metric{}
	}
	if !m.StartedAt.IsZero() && m.FinishedAt.After(m.StartedAt) {
		s.DurationMS = m.FinishedAt.Sub(m.StartedAt).Milliseconds()
	}
	for _, st := range m.Stages {
		switch st.Status {
		case runtime.StatusRan:
			s.Ran++
		case runtime.StatusCached:
			s.Cached++
		case runtime.StatusFailed:
			s.Failed++
		case runtime.StatusSkipped:
			s.Skipped++
		}
	}
	return s
}

// List summarises the selected runs, newest first. A run whose manifest
// cannot be read is listed with status `unreadable` and the reason, so one
// damaged record does not hide the others.
func List(s Selection) ([]Summary, error) {
	ids, err := s.IDs()
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(ids))
	for _, id := range ids {
		m, err := artifacts.ReadManifest(s.Workspace.ManifestPath(id))
		if err != nil {
			out = append(out, Summary{ID: id, Status: StatusUnreadable, Error: err.Error(), Overrides: map[string]any{}, Metrics: []Metric{}})
			continue
		}
		out = append(out, Summarize(m))
	}
	return out, nil
}
