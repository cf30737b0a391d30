package gc

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	goruntime "runtime"
	"sort"
	"strings"
	"sync"

	"github.com/mlpipe/pipeline/artifacts"
)

// object is one entry of the store's objects/ directory.
type object struct {
	// id is the object's path under objects/, slash-separated ("ab/ab12…").
	id   string
	path string
	size int64
}

// record is one file of the action cache.
type record struct {
	path string
	size int64
	// outputs are the ids of the objects the record names; nil when the
	// record could not be read.
	outputs []string
	// valid is false for a record that cannot be parsed or is misnamed: the
	// runtime ignores such a record, so it is garbage.
	valid bool
	// temp marks a temporary file left by an interrupted atomic write.
	temp bool
}

// objectID maps a digest to the id of its object, "ab/ab12…" (where the
// store keeps it: objects/ab/ab12…), or "" when the digest is malformed.
func objectID(digest string) string {
	_, h, ok := strings.Cut(digest, ":")
	if !ok || len(h) < 4 {
		return ""
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return ""
		}
	}
	return h[:2] + "/" + h
}

// pathSize returns the bytes of the regular files at path (a file or a tree).
// Entries that vanish during the walk are not counted.
func pathSize(path string) (int64, error) {
	var n int64
	err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("measuring %s: %w", path, err)
	}
	return n, nil
}

// readDirIfExists lists a directory, treating a missing one as empty.
func readDirIfExists(dir string) ([]fs.DirEntry, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", dir, err)
	}
	return entries, nil
}

// listObjects returns every object in the store, sorted by id.
func listObjects(s *artifacts.Store) ([]object, error) {
	var out []object
	for o, err := range s.Objects() {
		if err != nil {
			return nil, err
		}
		size, err := pathSize(o.Path)
		if err != nil {
			return nil, err
		}
		out = append(out, object{id: o.ID, path: o.Path, size: size})
	}
	return out, nil
}

// listRecords returns every file of the action cache, sorted by path;
// with parse, valid records name their outputs.
func listRecords(s *artifacts.Store, parse bool) ([]record, error) {
	var out []record
	for f, err := range s.ActionFiles() {
		if err != nil {
			return nil, err
		}
		info, err := f.Entry.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading action record %s: %w", f.Path, err)
		}
		r := record{path: f.Path, size: info.Size(), temp: f.Temp}
		if !f.Temp && !parse {
			r.valid = true
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	if parse {
		if err := parseAll(out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parseAll parses the records on every CPU: reading and decoding many small
// files is most of what collecting costs.
func parseAll(recs []record) error {
	workers := min(goruntime.GOMAXPROCS(0), len(recs))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(recs); i += workers {
				r := &recs[i]
				if r.temp {
					continue
				}
				name := filepath.Base(r.path)
				if err := r.parse(filepath.Base(filepath.Dir(r.path)), name); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// parse reads the record's outputs; a record the runtime would ignore (not
// JSON, or naming another key than its file name) stays invalid.
func (r *record) parse(shard, name string) error {
	b, err := os.ReadFile(r.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading action record %s: %w", r.path, err)
	}
	// Only the key and the digests are decoded: cheaper than the whole
	// artifacts.ActionRecord, with the same field names.
	var rec struct {
		Key     string                `json:"key"`
		Outputs map[string]digestOnly `json:"outputs"`
	}
	if json.Unmarshal(b, &rec) != nil {
		return nil
	}
	hex := strings.TrimSuffix(name, ".json")
	_, keyHex, _ := strings.Cut(rec.Key, ":")
	if keyHex != hex || !strings.HasPrefix(hex, shard) || !strings.HasSuffix(name, ".json") {
		return nil
	}
	r.outputs = []string{}
	for _, o := range rec.Outputs {
		id := objectID(o.Digest)
		if id == "" {
			return nil
		}
		r.outputs = append(r.outputs, id)
	}
	r.valid = true
	return nil
}
