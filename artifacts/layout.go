package artifacts

import (
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The directories of a store's root. The store owns these; the workspace
// around it (runtime.Workspace) owns the rest of the root.
const (
	objectsDir = "objects"
	actionsDir = "ac"
	tempDir    = "tmp"
)

// ObjectsDir is the directory of objects: objects/<2 hex>/<rest of hex>.
func (s *Store) ObjectsDir() string { return filepath.Join(s.Root, objectsDir) }

// ActionsDir is the directory of the action cache: ac/<2 hex>/<hex>.json.
func (s *Store) ActionsDir() string { return filepath.Join(s.Root, actionsDir) }

// TempRoot is the directory of temporary files and trees (see TempDir).
func (s *Store) TempRoot() string { return filepath.Join(s.Root, tempDir) }

// StoredObject is one object in the store.
type StoredObject struct {
	// ID is the object's place in the store, `<shard>/<rest>` of its hex.
	ID string
	// Path is its file or directory.
	Path string
}

// Objects yields every object in the store, sorted by ID. Entries of the
// objects directory that are not shards (two hex digits) are skipped.
func (s *Store) Objects() iter.Seq2[StoredObject, error] {
	return func(yield func(StoredObject, error) bool) {
		for shard, err := range s.shards(s.ObjectsDir()) {
			if err != nil {
				yield(StoredObject{}, err)
				return
			}
			for _, e := range shard.entries {
				if !yield(StoredObject{ID: shard.name + "/" + e.Name(), Path: filepath.Join(shard.dir, e.Name())}, nil) {
					return
				}
			}
		}
	}
}

// ActionFile is one file of the action cache: a record, or the temporary
// file of a record being written (Temp).
type ActionFile struct {
	Path  string
	Temp  bool
	Entry fs.DirEntry
}

// ActionFiles yields every regular file of the action cache, sorted by path.
func (s *Store) ActionFiles() iter.Seq2[ActionFile, error] {
	return func(yield func(ActionFile, error) bool) {
		for shard, err := range s.shards(s.ActionsDir()) {
			if err != nil {
				yield(ActionFile{}, err)
				return
			}
			for _, e := range shard.entries {
				if !e.Type().IsRegular() {
					continue
				}
				f := ActionFile{Path: filepath.Join(shard.dir, e.Name()), Temp: strings.HasPrefix(e.Name(), ".tmp-"), Entry: e}
				if !yield(f, nil) {
					return
				}
			}
		}
	}
}

// shard is one two-hex-digit directory and its entries, sorted.
type shard struct {
	name, dir string
	entries   []fs.DirEntry
}

// shards yields the shard directories of base in order; a missing base
// yields nothing.
func (s *Store) shards(base string) iter.Seq2[shard, error] {
	return func(yield func(shard, error) bool) {
		dirs, err := os.ReadDir(base)
		if errors.Is(err, fs.ErrNotExist) {
			return
		}
		if err != nil {
			yield(shard{}, fmt.Errorf("listing %s: %w", base, err))
			return
		}
		for _, d := range dirs {
			if !d.IsDir() || !IsShardName(d.Name()) {
				continue
			}
			dir := filepath.Join(base, d.Name())
			entries, err := os.ReadDir(dir)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				yield(shard{}, fmt.Errorf("listing %s: %w", dir, err))
				return
			}
			sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
			if !yield(shard{name: d.Name(), dir: dir, entries: entries}, nil) {
				return
			}
		}
	}
}

// IsShardName reports whether name is a shard directory's: two lower-case
// hex digits.
func IsShardName(name string) bool {
	if len(name) != 2 {
		return false
	}
	for _, c := range name {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}
