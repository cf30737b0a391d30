package runtime

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
)

// SourceLockVersion is the version of a source lock file.
const SourceLockVersion = 1

// SourceLock records the digest of each source file a definition tracks
// (`sources:`), as `pipeline push` uploaded them. It lives beside the
// definition (`NAME.lock` for `NAME.yaml`) and belongs in version control:
// with it, `pipeline pull` restores the files from the remote store on a
// machine that lacks them.
type SourceLock struct {
	Version int `json:"version"`
	// Sources maps each file or directory, relative to the definition's
	// directory and slash-separated, to its object.
	Sources map[string]artifacts.Tree `json:"sources"`
}

// maxLockFile bounds a lock file read.
const maxLockFile = 16 << 20

// SourceLockPath is the lock file of the definition at defPath.
func SourceLockPath(defPath string) string {
	return strings.TrimSuffix(defPath, filepath.Ext(defPath)) + ".lock"
}

// ReadSourceLock reads the lock file of a definition; a missing one is an
// error saying how to make it.
func ReadSourceLock(defPath string) (*SourceLock, error) {
	path := SourceLockPath(defPath)
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading the source lock: %w (`pipeline push %s` writes it)", err, defPath)
	}
	if st.Size() > maxLockFile {
		return nil, fmt.Errorf("reading the source lock %s: over %d MiB", path, maxLockFile>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the source lock: %w", err)
	}
	var l SourceLock
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("reading the source lock %s: %w", path, err)
	}
	if l.Version != SourceLockVersion {
		return nil, fmt.Errorf("reading the source lock %s: version %d, this engine reads %d", path, l.Version, SourceLockVersion)
	}
	for p, t := range l.Sources {
		if err := artifacts.CheckDigest(t.Digest); err != nil {
			return nil, fmt.Errorf("reading the source lock %s: %s: %w", path, p, err)
		}
		if clean := filepath.ToSlash(filepath.Clean(filepath.FromSlash(p))); clean != p || filepath.IsAbs(p) || p == ".." || strings.HasPrefix(p, "../") {
			return nil, fmt.Errorf("reading the source lock %s: %q is not a path inside the definition's directory", path, p)
		}
	}
	return &l, nil
}

// writeSourceLock writes l beside the definition, atomically.
func writeSourceLock(defPath string, l *SourceLock) error {
	data, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the source lock: %w", err)
	}
	path := SourceLockPath(defPath)
	if err := artifacts.WriteFileAtomic(path, append(data, '\n')); err != nil {
		return fmt.Errorf("writing the source lock: %w", err)
	}
	return os.Chmod(path, 0o644)
}

// trackedSources expands a definition's `sources:` patterns to the files
// and directories they match, relative to its directory, sorted.
func trackedSources(def *pipeline.Definition) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, pat := range def.Sources {
		matches, err := filepath.Glob(filepath.Join(def.Dir, filepath.FromSlash(pat)))
		if err != nil {
			return nil, fmt.Errorf("sources: %q: %w", pat, err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("sources: %q matches no file in %s", pat, def.Dir)
		}
		for _, m := range matches {
			rel, err := filepath.Rel(def.Dir, m)
			if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return nil, fmt.Errorf("sources: %s lies outside the definition's directory", m)
			}
			rel = filepath.ToSlash(rel)
			if !seen[rel] {
				seen[rel] = true
				out = append(out, rel)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}
