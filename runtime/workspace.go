// Package runtime executes a compiled DAG against a workspace: it keys each
// stage, serves hits from the action cache, runs misses in parallel under
// per-key locks, publishes outputs atomically, and records every run in a
// provenance manifest that `audit` can check and re-execute.
package runtime

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
)

// Workspace is the `.pipeline/` directory of a definition.
type Workspace struct {
	// Root is the workspace directory.
	Root string
	// Store holds objects and the action cache.
	Store *artifacts.Store
	// Stats is the stat cache of source files.
	Stats *artifacts.StatCache
}

// OpenWorkspace opens (without creating anything) the workspace at root.
func OpenWorkspace(root string) (*Workspace, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("resolving workspace %s: %w", root, err)
	}
	return &Workspace{
		Root:  abs,
		Store: artifacts.NewStore(abs),
		Stats: artifacts.LoadStatCache(filepath.Join(abs, "statcache.json")),
	}, nil
}

// DefaultWorkspace returns `.pipeline` beside the definition file.
func DefaultWorkspace(definitionPath string) string {
	return filepath.Join(filepath.Dir(definitionPath), ".pipeline")
}

// RunDir returns the directory of a run's records.
func (w *Workspace) RunDir(id string) string { return filepath.Join(w.Root, "runs", id) }

// ManifestPath returns the path of a run's manifest.
func (w *Workspace) ManifestPath(id string) string {
	return filepath.Join(w.RunDir(id), "manifest.json")
}

// OutPath returns where the last successful output of a stage's port is exposed.
func (w *Workspace) OutPath(stage, port string) string {
	return filepath.Join(w.Root, "out", stage, port)
}

// RunIDs lists the recorded runs, newest first.
func (w *Workspace) RunIDs() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(w.Root, "runs"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing runs: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			if _, err := os.Stat(w.ManifestPath(e.Name())); err == nil {
				ids = append(ids, e.Name())
			}
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(ids)))
	return ids, nil
}

// LastStageRecord finds the newest manifest holding a stage instance that
// ran or was cached, for explaining what changed since.
func (w *Workspace) LastStageRecord(name string) (*artifacts.StageRecord, string, error) {
	ids, err := w.RunIDs()
	if err != nil {
		return nil, "", err
	}
	for _, id := range ids {
		m, err := artifacts.ReadManifest(w.ManifestPath(id))
		if err != nil {
			continue
		}
		for i := range m.Stages {
			s := &m.Stages[i]
			if s.Name == name && s.KeyInputs != nil && (s.Status == StatusRan || s.Status == StatusCached) {
				return s, id, nil
			}
		}
	}
	return nil, "", nil
}
