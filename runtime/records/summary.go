package records

import (
	"maps"
	"slices"
	"time"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
)

// StatusUnreadable is the status of a run whose manifest could not be read.
const StatusUnreadable = "unreadable"

// Summary is one line of the run listing.
type Summary struct {
	ID string `json:"id"`
	// Name, Tags and Note are what the user said of the run.
	Name string            `json:"name,omitempty"`
	Tags map[string]string `json:"tags,omitempty"`
	Note string            `json:"note,omitempty"`
	// Git is the project's git state at the run.
	Git            *artifacts.GitState `json:"git,omitempty"`
	StartedAt      time.Time           `json:"started_at"`
	FinishedAt     time.Time           `json:"finished_at"`
	DurationMS     int64               `json:"duration_ms"`
	Status         string              `json:"status"`
	Definition     string              `json:"definition"`
	DefinitionPath string              `json:"definition_path"`
	Overrides      map[string]any      `json:"overrides"`
	Stages         int                 `json:"stages"`
	Ran            int                 `json:"ran"`
	Cached         int                 `json:"cached"`
	Failed         int                 `json:"failed"`
	Skipped        int                 `json:"skipped"`
	Metrics        []Metric            `json:"metrics"`
	// Params are the run's resolved params.
	Params map[string]any `json:"params,omitempty"`
	// AllMetrics is every metric every stage instance recorded, in stage order.
	AllMetrics []Metric `json:"all_metrics,omitempty"`
	// Error says why a manifest could not be read (status `unreadable`).
	Error string `json:"error,omitempty"`
}

// Summarize condenses a manifest into its listing line.
func Summarize(m *artifacts.Manifest) Summary {
	s := Summary{
		ID:             m.RunID,
		Name:           m.Name,
		Tags:           m.Tags,
		Note:           m.Note,
		Git:            m.Git,
		Params:         m.Params,
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
		for _, k := range slices.Sorted(maps.Keys(st.Metrics)) {
			s.AllMetrics = append(s.AllMetrics, Metric{Stage: st.Name, Metric: k, Value: st.Metrics[k]})
		}
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
