package safetensors

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// File names of a model directory's weights.
const (
	SingleFile = "model.safetensors"
	IndexFile  = "model.safetensors.index.json"
)

// maxIndexBytes bounds model.safetensors.index.json.
const maxIndexBytes = 16 << 20

// Set is a model's weights: one file, or the shards an index lists.
type Set struct {
	files  []*File
	byName map[string]*File
}

// OpenDir opens dir's model.safetensors.index.json and its shards, or else
// its model.safetensors.
func OpenDir(dir string) (*Set, error) {
	index := filepath.Join(dir, IndexFile)
	if _, err := os.Stat(index); err == nil {
		return openIndex(dir, index)
	}
	single := filepath.Join(dir, SingleFile)
	f, err := Open(single)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s has neither %s nor %s", dir, SingleFile, IndexFile)
		}
		return nil, err
	}
	s := &Set{files: []*File{f}, byName: map[string]*File{}}
	for _, t := range f.infos {
		s.byName[t.Name] = f
	}
	return s, nil
}

func openIndex(dir, path string) (*Set, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening the weights index: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(fh, maxIndexBytes+1))
	fh.Close()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(raw) > maxIndexBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxIndexBytes)
	}
	var idx struct {
		WeightMap map[string]string `json:"weight_map"`
	}
	if err := json.Unmarshal(raw, &idx); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(idx.WeightMap) == 0 {
		return nil, fmt.Errorf("%s: weight_map is empty", path)
	}
	s := &Set{byName: map[string]*File{}}
	shards := map[string]*File{}
	names := make([]string, 0, len(idx.WeightMap))
	for n := range idx.WeightMap {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		shard := idx.WeightMap[name]
		if shard == "" || shard == "." || shard == ".." || strings.ContainsAny(shard, `/\`) || filepath.IsAbs(shard) {
			s.Close()
			return nil, fmt.Errorf("%s: weight_map[%q] = %q: want a file name in the same directory", path, name, shard)
		}
		f, ok := shards[shard]
		if !ok {
			if f, err = Open(filepath.Join(dir, shard)); err != nil {
				s.Close()
				return nil, fmt.Errorf("%s lists shard %s: %w", path, shard, err)
			}
			shards[shard] = f
			s.files = append(s.files, f)
		}
		if _, ok := f.Tensor(name); !ok {
			s.Close()
			return nil, fmt.Errorf("%s maps tensor %q to %s, which does not hold it", path, name, shard)
		}
		s.byName[name] = f
	}
	for _, f := range s.files {
		for _, t := range f.infos {
			if s.byName[t.Name] != f {
				other := "no shard"
				if g := s.byName[t.Name]; g != nil {
					other = filepath.Base(g.path)
				}
				s.Close()
				return nil, fmt.Errorf("%s holds tensor %q, which %s maps to %s", f.path, t.Name, path, other)
			}
		}
	}
	return s, nil
}

// Names lists every tensor, sorted.
func (s *Set) Names() []string {
	out := make([]string, 0, len(s.byName))
	for n := range s.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Info returns a tensor's header entry.
func (s *Set) Info(name string) (TensorInfo, bool) {
	f, ok := s.byName[name]
	if !ok {
		return TensorInfo{}, false
	}
	return f.Tensor(name)
}

// Float32 reads a floating-point tensor as float32 values, with its shape.
func (s *Set) Float32(name string) ([]float32, []int, error) {
	f, ok := s.byName[name]
	if !ok {
		return nil, nil, fmt.Errorf("no tensor %q among the weights", name)
	}
	return f.Float32(name)
}

// FileOf is the path of the file holding a tensor ("" when none does).
func (s *Set) FileOf(name string) string {
	if f, ok := s.byName[name]; ok {
		return f.path
	}
	return ""
}

// Close closes every file.
func (s *Set) Close() error {
	var first error
	for _, f := range s.files {
		if err := f.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
