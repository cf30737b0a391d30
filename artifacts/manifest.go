package artifacts

import (
	"encoding/json"
	"fmt"
	"time"
)

// ManifestSchemaVersion is the version of the manifest format written.
const ManifestSchemaVersion = 1

// Manifest is the provenance record of one run: what was asked, what ran,
// what it read and produced, on what machine. It is the contract `audit`
// checks and re-executes.
type Manifest struct {
	SchemaVersion int       `json:"schema_version"`
	RunID         string    `json:"run_id"`
	StartedAt     time.Time `json:"started_at"`
	FinishedAt    time.Time `json:"finished_at"`
	Status        string    `json:"status"`
	Command       []string  `json:"command,omitempty"`
	// Name, Tags and Note are what the user said of the run (`--name`,
	// `--tag k=v`, `--note`); a run may be referred to by its name.
	Name string            `json:"name,omitempty"`
	Tags map[string]string `json:"tags,omitempty"`
	Note string            `json:"note,omitempty"`
	// Git is where the definition's git repository stood, when it lies in one.
	Git         *GitState      `json:"git,omitempty"`
	Definition  DefinitionRef  `json:"definition"`
	Params      map[string]any `json:"params"`
	Overrides   map[string]any `json:"overrides"`
	Engine      Engine         `json:"engine"`
	Environment Environment    `json:"environment"`
	Sources     []Source       `json:"sources"`
	Stages      []StageRecord  `json:"stages"`
	// System sums up the machine's use during the run (CPU, peak memory,
	// GPUs); the samples are in the run's system.ndjson. Absent when no stage ran.
	System json.RawMessage `json:"system,omitempty"`
}

// GitState is the state of the git repository holding a definition.
type GitState struct {
	// Commit is HEAD's full hash.
	Commit string `json:"commit"`
	// Branch is HEAD's branch, or "" when HEAD is detached.
	Branch string `json:"branch,omitempty"`
	// Dirty is set when tracked files differ from HEAD or untracked files
	// are present: the commit alone does not reproduce the run.
	Dirty bool `json:"dirty"`
}

// DefinitionRef names the definition file a run compiled.
type DefinitionRef struct {
	Path   string `json:"path"`
	Dir    string `json:"dir"`
	Name   string `json:"name"`
	Digest string `json:"digest"`
}

// Engine describes the software that ran. What else shaped a stage's
// bytes (the numerics library, the table format) is in that stage's key
// pre-image (KeyInputs.Implementation) and its backend in its params.
type Engine struct {
	Version     string `json:"version"`
	VCSRevision string `json:"vcs_revision"`
	GoVersion   string `json:"go_version"`
}

// Environment describes the machine a run used.
type Environment struct {
	OS          string            `json:"os"`
	Arch        string            `json:"arch"`
	Hostname    string            `json:"hostname"`
	CPUs        int               `json:"cpus"`
	MemoryBytes int64             `json:"memory_bytes"`
	GPU         string            `json:"gpu,omitempty"`
	Variables   map[string]string `json:"variables"`
}

// KeyInputs is the pre-image of a stage key: every part that determines the
// stage's output. Comparing two of them explains a cache miss.
type KeyInputs struct {
	Kind    string `json:"kind"`
	Version string `json:"version"`
	// Implementation holds what else shapes the kind's bytes (see
	// stages.Implementations): component → version.
	Implementation map[string]string `json:"implementation,omitempty"`
	Params         json.RawMessage   `json:"params"`
	Seed           int64             `json:"seed"`
	Inputs         map[string]string `json:"inputs"`
	Deps           map[string]string `json:"deps"`
	Sources        map[string]string `json:"sources"`
	// Environment is what the stage ran with beyond its code (see
	// stages.Plan.Environment): name → version.
	Environment map[string]string `json:"environment,omitempty"`
	// Secrets holds a keyed hash (HMAC-SHA256 under the workspace's secret
	// key) of each secret the stage uses, by name: a changed secret re-runs
	// the stage, and the record reveals nothing of its value.
	Secrets map[string]string `json:"secrets,omitempty"`
}

// PortRecord is one input or output of a stage in a manifest.
type PortRecord struct {
	Port   string `json:"port"`
	From   string `json:"from,omitempty"`
	Digest string `json:"digest"`
	Size   int64  `json:"size"`
	Dir    bool   `json:"dir,omitempty"`
	Files  int    `json:"files,omitempty"`
	Rows   *int64 `json:"rows,omitempty"`
	Schema string `json:"schema,omitempty"`
	// Role says what the port holds (table, history, findings, metrics,
	// evaluation, model, tokenizer, file: see stages.Role); for an input,
	// what its producer's output holds.
	Role string `json:"role,omitempty"`
}

// StageRecord is one stage instance in a manifest.
type StageRecord struct {
	Name      string         `json:"name"`
	Stage     string         `json:"stage"`
	Kind      string         `json:"kind"`
	Version   string         `json:"version"`
	Key       string         `json:"key,omitempty"`
	KeyInputs *KeyInputs     `json:"key_inputs,omitempty"`
	Status    string         `json:"status"`
	Error     string         `json:"error,omitempty"`
	Params    map[string]any `json:"params"`
	// Point holds the sweep values that reach this instance (empty without a sweep).
	Point   map[string]any `json:"point,omitempty"`
	Seed    int64          `json:"seed"`
	Inputs  []PortRecord   `json:"inputs"`
	Outputs []PortRecord   `json:"outputs"`
	// TimingOutputs are outputs that record measured times and are not expected to reproduce bit for bit.
	TimingOutputs []string           `json:"timing_outputs,omitempty"`
	Sources       []Source           `json:"sources,omitempty"`
	StartedAt     *time.Time         `json:"started_at,omitempty"`
	FinishedAt    *time.Time         `json:"finished_at,omitempty"`
	DurationMS    int64              `json:"duration_ms"`
	CPUSeconds    float64            `json:"cpu_seconds"`
	PeakRSSBytes  int64              `json:"peak_rss_bytes"`
	Metrics       map[string]float64 `json:"metrics"`
	// Headline names the metrics that summarise the stage, most telling
	// first, and KeyMetrics those a run is judged and compared by, as the
	// stage's kind declares them (see stages.Plan).
	Headline   []string `json:"headline,omitempty"`
	KeyMetrics []string `json:"key_metrics,omitempty"`
}

// ReadManifest loads a manifest file.
func ReadManifest(path string) (*Manifest, error) {
	b, err := ReadFileBounded(path, MaxManifestBytes)
	if err != nil {
		return nil, fmt.Errorf("reading manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parsing manifest %s: %w", path, err)
	}
	if m.SchemaVersion != ManifestSchemaVersion {
		return nil, fmt.Errorf("manifest %s has schema_version %d; this engine reads %d", path, m.SchemaVersion, ManifestSchemaVersion)
	}
	for _, s := range m.Stages {
		for _, group := range [][]PortRecord{s.Inputs, s.Outputs} {
			for _, p := range group {
				if err := CheckDigest(p.Digest); err != nil {
					return nil, fmt.Errorf("manifest %s: stage %s, port %s: %w", path, s.Name, p.Port, err)
				}
			}
		}
	}
	return &m, nil
}

// Write stores the manifest atomically as indented JSON.
func (m *Manifest) Write(path string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding manifest: %w", err)
	}
	return WriteFileAtomic(path, append(b, '\n'))
}
