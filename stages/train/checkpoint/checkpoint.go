package checkpoint

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// SchemaVersion is the version of the checkpoint layout (meta.json and
// state.bin); a checkpoint of another version is ignored, not misread.
const SchemaVersion = 1

// Meta describes a checkpoint. It is meta.json in the checkpoint's directory.
type Meta struct {
	// SchemaVersion is SchemaVersion when written.
	SchemaVersion int `json:"schema_version"`
	// Fingerprint identifies the training (options, data); a checkpoint of a
	// different training is never resumed.
	Fingerprint string `json:"fingerprint"`
	// Step is the number of optimizer steps taken.
	Step int64 `json:"step"`
	// DataPosition is the number of micro-batches consumed.
	DataPosition int64 `json:"data_position"`
	// RNG describes the random streams: seed, and the next dropout stream.
	RNG RNG `json:"rng"`
	// Score is the validation metric at this step (lower is better), if evaluated.
	Score *float64 `json:"score,omitempty"`
	// Loop is the training loop's own state (history, early stopping).
	Loop json.RawMessage `json:"loop,omitempty"`
}

// RNG is the state of the training's random streams. Dropout masks are drawn
// from a stream derived from Seed and the micro-batch position, so the
// position is the whole state.
type RNG struct {
	Seed   int64 `json:"seed"`
	Stream int64 `json:"stream"`
}

// Checkpoint is a meta and the tensors it saves.
type Checkpoint struct {
	Meta    Meta
	Tensors []Tensor
}

// Manager keeps the checkpoints of one training in Dir.
type Manager struct {
	// Dir holds one directory per checkpoint, step-NNNNNNNNN.
	Dir string
	// KeepLast is the number of most recent checkpoints kept (at least 1).
	KeepLast int
	// KeepBest is the number of best-scoring checkpoints kept besides them.
	KeepBest int
}

const (
	metaFile  = "meta.json"
	stateFile = "state.bin"
	prefix    = "step-"
)

func stepDir(step int64) string { return fmt.Sprintf("%s%09d", prefix, step) }

// Save writes c atomically (to a temporary directory renamed into place) and
// then removes the checkpoints that neither KeepLast nor KeepBest keep.
func (m *Manager) Save(c *Checkpoint) error {
	if err := os.MkdirAll(m.Dir, 0o755); err != nil {
		return fmt.Errorf("creating checkpoint directory: %w", err)
	}
	c.Meta.SchemaVersion = SchemaVersion
	final := filepath.Join(m.Dir, stepDir(c.Meta.Step))
	tmp, err := os.MkdirTemp(m.Dir, ".tmp-")
	if err != nil {
		return fmt.Errorf("creating checkpoint of step %d: %w", c.Meta.Step, err)
	}
	defer os.RemoveAll(tmp)
	if err := WriteTensors(filepath.Join(tmp, stateFile), c.Tensors); err != nil {
		return fmt.Errorf("checkpoint of step %d: %w", c.Meta.Step, err)
	}
	meta, err := json.MarshalIndent(c.Meta, "", "  ")
	if err != nil {
		return fmt.Errorf("checkpoint of step %d: encoding meta: %w", c.Meta.Step, err)
	}
	if err := os.WriteFile(filepath.Join(tmp, metaFile), meta, 0o644); err != nil {
		return fmt.Errorf("checkpoint of step %d: %w", c.Meta.Step, err)
	}
	if err := os.RemoveAll(final); err != nil {
		return fmt.Errorf("replacing checkpoint %s: %w", final, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("publishing checkpoint %s: %w", final, err)
	}
	return m.prune()
}

// List returns the metas of the complete checkpoints in Dir, oldest first.
// Temporary directories of interrupted saves and checkpoints of another
// schema version are skipped.
func (m *Manager) List() ([]Meta, error) {
	entries, err := os.ReadDir(m.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing checkpoints: %w", err)
	}
	var out []Meta
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if _, err := strconv.ParseInt(strings.TrimPrefix(e.Name(), prefix), 10, 64); err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join(m.Dir, e.Name(), metaFile))
		if err != nil {
			continue
		}
		var meta Meta
		if json.Unmarshal(data, &meta) != nil || meta.SchemaVersion != SchemaVersion {
			continue
		}
		out = append(out, meta)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Step < out[j].Step })
	return out, nil
}

// Latest loads the most recent checkpoint whose fingerprint is fingerprint,
// or returns nil when there is none.
func (m *Manager) Latest(fingerprint string) (*Checkpoint, error) {
	metas, err := m.List()
	if err != nil {
		return nil, err
	}
	for i := len(metas) - 1; i >= 0; i-- {
		if metas[i].Fingerprint != fingerprint {
			continue
		}
		return m.Load(metas[i].Step)
	}
	return nil, nil
}

// Load reads the checkpoint of step step.
func (m *Manager) Load(step int64) (*Checkpoint, error) {
	dir := filepath.Join(m.Dir, stepDir(step))
	data, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return nil, fmt.Errorf("loading checkpoint: %w", err)
	}
	c := &Checkpoint{}
	if err := json.Unmarshal(data, &c.Meta); err != nil {
		return nil, fmt.Errorf("loading checkpoint %s: %w", dir, err)
	}
	if c.Tensors, err = ReadTensors(filepath.Join(dir, stateFile)); err != nil {
		return nil, fmt.Errorf("loading checkpoint: %w", err)
	}
	return c, nil
}

// prune removes checkpoints kept neither as one of the KeepLast most recent
// nor as one of the KeepBest best-scoring.
func (m *Manager) prune() error {
	metas, err := m.List()
	if err != nil {
		return err
	}
	keep := map[int64]bool{}
	last := max(m.KeepLast, 1)
	for i := max(len(metas)-last, 0); i < len(metas); i++ {
		keep[metas[i].Step] = true
	}
	if m.KeepBest > 0 {
		var scored []Meta
		for _, mt := range metas {
			if mt.Score != nil {
				scored = append(scored, mt)
			}
		}
		sort.SliceStable(scored, func(i, j int) bool { return *scored[i].Score < *scored[j].Score })
		for i := 0; i < len(scored) && i < m.KeepBest; i++ {
			keep[scored[i].Step] = true
		}
	}
	for _, mt := range metas {
		if !keep[mt.Step] {
			if err := os.RemoveAll(filepath.Join(m.Dir, stepDir(mt.Step))); err != nil {
				return fmt.Errorf("removing old checkpoint: %w", err)
			}
		}
	}
	return nil
}

// Best returns the meta of the best-scoring checkpoint kept, or nil.
func (m *Manager) Best() (*Meta, error) {
	metas, err := m.List()
	if err != nil {
		return nil, err
	}
	var best *Meta
	for i := range metas {
		if metas[i].Score != nil && (best == nil || *metas[i].Score < *best.Score) {
			best = &metas[i]
		}
	}
	return best, nil
}
