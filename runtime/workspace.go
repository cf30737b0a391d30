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
	"sync"

	"github.com/mlpipe/pipeline/artifacts"
)

// The workspace's layout around its store (objects/, ac/, tmp/: see
// artifacts.Store), in one place.
const (
	runsDir       = "runs"
	scratchDir    = "scratch"
	locksDir      = "locks"
	viewsDir      = "out"
	bundlesDir    = "bundles"
	cachesDir     = "cache"
	secretKeyFile = "secret.key"
	statCacheFile = "statcache.json"
	lockFile      = "workspace.lock"
	manifestFile  = "manifest.json"
	liveFile      = "live.json"
	logsDir       = "logs"
)

// Workspace is the `.pipeline/` directory of a definition.
type Workspace struct {
	// Root is the workspace directory.
	Root string
	// Store holds objects and the action cache.
	Store *artifacts.Store
	// Stats is the stat cache of source files.
	Stats *artifacts.StatCache

	lastOnce sync.Once
	// last maps a definition's path, then a stage instance, to its newest record.
	last    map[string]map[string]lastRecord
	lastErr error
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
		Stats: artifacts.LoadStatCache(filepath.Join(abs, statCacheFile)),
	}, nil
}

// DefaultWorkspace returns `.pipeline` beside the definition file.
func DefaultWorkspace(definitionPath string) string {
	return filepath.Join(filepath.Dir(definitionPath), ".pipeline")
}

// Init creates the workspace's directories and its store's.
func (w *Workspace) Init() error {
	if err := w.Store.Init(); err != nil {
		return err
	}
	for _, d := range []string{w.RunsDir(), w.ScratchRoot(), w.LocksDir(), w.ViewsRoot()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("creating workspace %s: %w", w.Root, err)
		}
	}
	return nil
}

// WorkspaceOfManifest is the root of the workspace holding the manifest at
// path (runs/<id>/manifest.json).
func WorkspaceOfManifest(path string) string {
	return filepath.Dir(filepath.Dir(filepath.Dir(path)))
}

// RunsDir holds a directory per recorded run.
func (w *Workspace) RunsDir() string { return filepath.Join(w.Root, runsDir) }

// ScratchRoot holds the scratch directories of stage keys.
func (w *Workspace) ScratchRoot() string { return filepath.Join(w.Root, scratchDir) }

// ScratchDir is the scratch directory of a stage key (see stages.Env.ScratchDir).
func (w *Workspace) ScratchDir(key string) string {
	return filepath.Join(w.ScratchRoot(), strings.ReplaceAll(key, ":", "-"))
}

// LocksDir holds the per-key lock files.
func (w *Workspace) LocksDir() string { return filepath.Join(w.Root, locksDir) }

// ViewsRoot holds the output views of the definitions (see ViewDir).
func (w *Workspace) ViewsRoot() string { return filepath.Join(w.Root, viewsDir) }

// BundlesDir holds the bundles rebuilt for distributed stages.
func (w *Workspace) BundlesDir() string { return filepath.Join(w.Root, bundlesDir) }

// LockFile is the workspace lock (shared by runs, exclusive for gc).
func (w *Workspace) LockFile() string { return WorkspaceLockFile(w.Root) }

// WorkspaceLockFile is the lock file of the workspace at root.
func WorkspaceLockFile(root string) string { return filepath.Join(root, lockFile) }

// CacheDir returns the directory a stage kind keeps across runs (see
// stages.Env.CacheDir).
func (w *Workspace) CacheDir(kind string) string { return filepath.Join(w.CachesDir(), kind) }

// CachesDir returns the directory holding every kind's CacheDir.
func (w *Workspace) CachesDir() string { return filepath.Join(w.Root, cachesDir) }

// SecretKeyPath returns the file holding the key of the hashes that stand
// for secrets in stage keys (see SecretKeyEnv).
func (w *Workspace) SecretKeyPath() string { return filepath.Join(w.Root, secretKeyFile) }

// RunDir returns the directory of a run's records.
func (w *Workspace) RunDir(id string) string { return filepath.Join(w.RunsDir(), id) }

// HasRun reports whether id names a run directory of the workspace: one
// path element, not hidden, that exists as a directory under runs/. A name
// that could leave runs/ (a separator, `..`) is never one, so a caller may
// build paths from an id HasRun accepts.
func (w *Workspace) HasRun(id string) bool {
	if id == "" || strings.HasPrefix(id, ".") || strings.ContainsAny(id, `/\`) || filepath.Base(id) != id {
		return false
	}
	fi, err := os.Stat(w.RunDir(id))
	return err == nil && fi.IsDir()
}

// ManifestPath returns the path of a run's manifest.
func (w *Workspace) ManifestPath(id string) string {
	return filepath.Join(w.RunDir(id), manifestFile)
}

// LogsDir returns the directory of a run's stage logs.
func (w *Workspace) LogsDir(id string) string { return filepath.Join(w.RunDir(id), logsDir) }

// StageLogPath returns the path of a stage instance's log in a run: the
// instance name with path separators and commas made safe.
func (w *Workspace) StageLogPath(id, instance string) string {
	return filepath.Join(w.LogsDir(id), strings.NewReplacer("/", "_", ",", "_").Replace(instance)+".log")
}

// LiveStatePath returns the path of a run's live state, which exists
// while the run is in progress (see LiveState).
func (w *Workspace) LiveStatePath(id string) string {
	return filepath.Join(w.RunDir(id), liveFile)
}

// RunIDs lists the recorded runs, newest first.
func (w *Workspace) RunIDs() ([]string, error) {
	return w.runDirs(func(id string) bool {
		_, err := os.Stat(w.ManifestPath(id))
		return err == nil
	})
}

// runDirs lists the run directories (names not starting with a dot) that
// keep says to list, newest first.
func (w *Workspace) runDirs(keep func(id string) bool) ([]string, error) {
	entries, err := os.ReadDir(w.RunsDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing runs: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") && keep(e.Name()) {
			ids = append(ids, e.Name())
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(ids)))
	return ids, nil
}

// LastStageRecord finds, among the runs of the definition at defPath, the
// newest manifest holding a stage instance that ran or was cached, for
// explaining what changed since. (Several definitions may share a
// workspace; a stage of another one with the same name is not compared.)
// Manifests are read once per Workspace, newest first.
func (w *Workspace) LastStageRecord(defPath, name string) (*artifacts.StageRecord, string, error) {
	w.lastOnce.Do(w.loadLastRecords)
	if w.lastErr != nil {
		return nil, "", w.lastErr
	}
	l, ok := w.last[definitionID(defPath)][name]
	if !ok {
		return nil, "", nil
	}
	return l.rec, l.run, nil
}

// definitionID identifies a definition file across runs: its absolute path.
func definitionID(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// lastRecord is the newest record of one stage instance.
type lastRecord struct {
	rec *artifacts.StageRecord
	run string
}

func (w *Workspace) loadLastRecords() {
	w.last = map[string]map[string]lastRecord{}
	ids, err := w.RunIDs()
	if err != nil {
		w.lastErr = err
		return
	}
	for _, id := range ids {
		m, err := artifacts.ReadManifest(w.ManifestPath(id))
		if err != nil {
			continue
		}
		def := definitionID(filepath.Join(m.Definition.Dir, filepath.Base(m.Definition.Path)))
		last := w.last[def]
		if last == nil {
			last = map[string]lastRecord{}
			w.last[def] = last
		}
		for i := range m.Stages {
			s := &m.Stages[i]
			if _, seen := last[s.Name]; seen {
				continue
			}
			if s.KeyInputs != nil && (s.Status == StatusRan || s.Status == StatusCached) {
				last[s.Name] = lastRecord{rec: s, run: id}
			}
		}
	}
}
