package runtime

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
)

// SourceUploader is a remote store that takes files from their paths.
type SourceUploader interface {
	RemoteStore
	// PushPath uploads the file or directory at path as the object t.
	PushPath(ctx context.Context, path string, t artifacts.Tree) error
}

// PushSources uploads the files a definition tracks (`sources:`) and writes
// their digests to its lock file, which it returns.
func PushSources(ctx context.Context, def *pipeline.Definition, ws *Workspace, remote SourceUploader) (*SourceLock, error) {
	paths, err := trackedSources(def)
	if err != nil {
		return nil, err
	}
	lock := &SourceLock{Version: SourceLockVersion, Sources: map[string]artifacts.Tree{}}
	for _, rel := range paths {
		abs := filepath.Join(def.Dir, filepath.FromSlash(rel))
		t, err := ws.Stats.HashPath(abs)
		if err != nil {
			return nil, fmt.Errorf("hashing source %s: %w", rel, err)
		}
		if err := remote.PushPath(ctx, abs, t); err != nil {
			return nil, fmt.Errorf("uploading source %s: %w", rel, err)
		}
		lock.Sources[rel] = t
	}
	if err := ws.Stats.Save(); err != nil {
		return nil, fmt.Errorf("saving the stat cache: %w", err)
	}
	if err := writeSourceLock(def.Path, lock); err != nil {
		return nil, err
	}
	return lock, nil
}

// SourceRestore says what pulling did to one tracked source.
type SourceRestore struct {
	Path string `json:"path"`
	// State is "restored", "unchanged", or "kept" (the local file differs
	// from the lock and was left as it is).
	State string `json:"state"`
}

// PullSources restores the files of a definition's lock that are missing
// here (or, with overwrite, differ) from the remote store. A restored file
// is a copy, never a link into the store, so editing it is safe.
func PullSources(ctx context.Context, def *pipeline.Definition, ws *Workspace, remote RemoteStore, overwrite bool) ([]SourceRestore, error) {
	lock, err := ReadSourceLock(def.Path)
	if err != nil {
		return nil, err
	}
	if err := ws.Init(); err != nil {
		return nil, err
	}
	var out []SourceRestore
	for _, rel := range sortedTreeKeys(lock.Sources) {
		t := lock.Sources[rel]
		abs := filepath.Join(def.Dir, filepath.FromSlash(rel))
		if _, err := os.Lstat(abs); err == nil {
			cur, err := ws.Stats.HashPath(abs)
			if err == nil && cur.Digest == t.Digest {
				out = append(out, SourceRestore{Path: rel, State: "unchanged"})
				continue
			}
			if !overwrite {
				out = append(out, SourceRestore{Path: rel, State: "kept"})
				continue
			}
		}
		if err := FetchMissing(ctx, ws, remote, t); err != nil {
			return nil, fmt.Errorf("fetching source %s: %w", rel, err)
		}
		if err := copyOut(ws.Store.ObjectPath(t.Digest), abs); err != nil {
			return nil, fmt.Errorf("restoring source %s: %w", rel, err)
		}
		out = append(out, SourceRestore{Path: rel, State: "restored"})
	}
	if err := ws.Stats.Save(); err != nil {
		return nil, fmt.Errorf("saving the stat cache: %w", err)
	}
	return out, nil
}

// copyOut copies the store object at obj to dst (a file or a tree),
// replacing dst in one rename.
func copyOut(obj, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".pull")
	_ = artifacts.RemoveAll(tmp)
	if err := os.Symlink(obj, tmp); err != nil {
		return err
	}
	// Following the link copies what it points to.
	if err := artifacts.CopyLinkTargets(tmp); err != nil {
		_ = artifacts.RemoveAll(tmp)
		return err
	}
	if err := makeWritable(tmp); err != nil {
		_ = artifacts.RemoveAll(tmp)
		return err
	}
	if err := artifacts.RemoveAll(dst); err != nil {
		_ = artifacts.RemoveAll(tmp)
		return err
	}
	return os.Rename(tmp, dst)
}

// makeWritable gives the owner write permission on a copied tree (store
// objects are read-only).
func makeWritable(root string) error {
	return filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chmod(p, info.Mode().Perm()|0o200)
	})
}

func sortedTreeKeys(m map[string]artifacts.Tree) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// PushRun uploads the outputs and cache records of a recorded run's stages
// (those that ran or were served from the cache) that the remote lacks. It
// returns how many records it wrote, of how many the run has.
func PushRun(ctx context.Context, ws *Workspace, m *artifacts.Manifest, remote RemoteStore) (pushed, total int, err error) {
	for _, s := range m.Stages {
		if s.Key == "" || (s.Status != StatusRan && s.Status != StatusCached) {
			continue
		}
		total++
		rec, err := ws.Store.LoadAction(s.Key)
		if err != nil {
			return pushed, total, err
		}
		if rec == nil {
			return pushed, total, fmt.Errorf("stage %s: its cache record %s is no longer in this workspace (collected?)", s.Name, artifacts.ShortDigest(s.Key))
		}
		for port, o := range rec.Outputs {
			if err := remote.Push(ctx, o, ws.Store); err != nil {
				return pushed, total, fmt.Errorf("stage %s: uploading output %s: %w", s.Name, port, err)
			}
		}
		held, err := remote.PutAction(ctx, rec)
		if err != nil {
			return pushed, total, fmt.Errorf("stage %s: recording key %s: %w", s.Name, artifacts.ShortDigest(s.Key), err)
		}
		if held == rec {
			pushed++
		}
	}
	return pushed, total, nil
}

// PullOutputs brings into the local store, and records in the local cache,
// the outputs the remote holds for the graph's stages under their current
// keys, walking the graph in order (a stage's key is known once its
// upstream stages are found). Nothing runs. It returns the instances found,
// here or in the remote, and those the remote lacks.
func PullOutputs(ctx context.Context, g *pipeline.Graph, ws *Workspace, remote RemoteStore, log zerolog.Logger) (found, missing []string, err error) {
	if err := ws.Init(); err != nil {
		return nil, nil, err
	}
	r := newRunner(g, ws, "", Options{Remote: remote, Log: log})
	for _, n := range g.Nodes {
		if r.blocked(n) {
			missing = append(missing, n.Name)
			continue
		}
		p, err := r.prepare(n)
		if err != nil {
			return nil, nil, fmt.Errorf("stage %s: %w", n.Name, err)
		}
		ar := r.cached(p.key, log)
		if ar == nil {
			ar = r.remoteHit(ctx, p.key, log.With().Str("stage", n.Name).Logger())
		}
		if ar == nil {
			missing = append(missing, n.Name)
			continue
		}
		r.results[n] = cachedResult(n, p, ar)
		found = append(found, n.Name)
	}
	if err := ws.Stats.Save(); err != nil {
		return nil, nil, fmt.Errorf("saving the stat cache: %w", err)
	}
	return found, missing, nil
}

// Checkout makes the output view of a recorded run's definition show that
// run's outputs, fetching from remote (when given) the objects the local
// store lacks. It returns the view's directory.
func Checkout(ctx context.Context, ws *Workspace, m *artifacts.Manifest, remote RemoteStore) (string, error) {
	var entries []viewEntry
	for _, s := range m.Stages {
		if len(s.Outputs) == 0 || (s.Status != StatusRan && s.Status != StatusCached) {
			continue
		}
		e := viewEntry{name: s.Name, outputs: map[string]artifacts.Output{}}
		for _, o := range s.Outputs {
			t := artifacts.Tree{Digest: o.Digest, Size: o.Size, Dir: o.Dir, Files: o.Files}
			if !o.Dir {
				t.Files = 1
			}
			if err := FetchMissing(ctx, ws, remote, t); err != nil {
				return "", fmt.Errorf("stage %s output %s: %w", s.Name, o.Port, err)
			}
			e.outputs[o.Port] = artifacts.Output{Tree: t}
		}
		entries = append(entries, e)
	}
	defPath := filepath.Join(m.Definition.Dir, filepath.Base(m.Definition.Path))
	if err := publishEntries(ws, defPath, entries); err != nil {
		return "", err
	}
	return ws.ViewDir(defPath), nil
}
