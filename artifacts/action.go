package artifacts

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Output is one published output port as recorded in the action cache.
type Output struct {
	Tree
	// Rows is the row count when the output is a table.
	Rows int64 `json:"rows,omitempty"`
	// Schema is the table's schema fingerprint when the output is a table.
	Schema string `json:"schema,omitempty"`
	// Seal is this machine's proof of the object's bytes (see Store.Prove);
	// it is local, and never sent to a remote store.
	Seal *Seal `json:"seal,omitempty"`
}

// ErrDamagedRecord marks a shared (remote) record that exists but cannot be
// used: it does not parse, or it names another key or a malformed digest. A
// run that finds one runs the stage and replaces the record, so the damage
// heals instead of costing every machine a re-run forever.
var ErrDamagedRecord = errors.New("damaged remote record")

// WithoutSeals returns a copy of rec whose outputs carry no seals, as it is
// shared with other machines.
func (rec *ActionRecord) WithoutSeals() *ActionRecord {
	c := *rec
	c.Outputs = make(map[string]Output, len(rec.Outputs))
	for port, o := range rec.Outputs {
		o.Seal = nil
		c.Outputs[port] = o
	}
	return &c
}

// Source is a file a stage read, with its digest at the time.
type Source struct {
	// Path is the file's path as the definition names it (relative to the definition's directory when inside it).
	Path string `json:"path"`
	// Digest is the content digest.
	Digest string `json:"digest"`
	// Size is in bytes.
	Size int64 `json:"size"`
}

// ActionRecord is the action-cache entry of one stage key: what running the
// stage produced. It is written last, after every object it names is in the
// store, so its presence means the outputs are complete.
type ActionRecord struct {
	// Key is the stage key.
	Key string `json:"key"`
	// Kind and Version identify the implementation that produced the outputs.
	Kind    string `json:"kind"`
	Version string `json:"version"`
	// Outputs maps each port to its object.
	Outputs map[string]Output `json:"outputs"`
	// Metrics are the numbers the stage reported.
	Metrics map[string]float64 `json:"metrics,omitempty"`
	// DurationMS is how long the stage ran.
	DurationMS int64 `json:"duration_ms"`
	// Created is when the record was written.
	Created time.Time `json:"created"`
}

func (s *Store) actionPath(key string) (string, error) {
	h, err := hexOf(key)
	if err != nil {
		return "", err
	}
	return filepath.Join(s.ActionsDir(), h[:2], h+".json"), nil
}

// LoadAction returns the record for key, or nil when there is none. A record
// that cannot be parsed is treated as absent (it will be overwritten).
func (s *Store) LoadAction(key string) (*ActionRecord, error) {
	p, err := s.actionPath(key)
	if err != nil {
		return nil, err
	}
	b, err := ReadFileBounded(p, MaxActionBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading action record %s: %w", p, err)
	}
	var rec ActionRecord
	if err := json.Unmarshal(b, &rec); err != nil || rec.Key != key {
		return nil, nil
	}
	for _, o := range rec.Outputs {
		if CheckDigest(o.Digest) != nil {
			return nil, nil // damaged: treated as absent, and overwritten
		}
	}
	return &rec, nil
}

// SaveAction writes rec atomically (temporary file, then rename).
func (s *Store) SaveAction(rec *ActionRecord) error {
	p, err := s.actionPath(rec.Key)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(p, b)
}

// DeleteAction removes the record for key, if any.
func (s *Store) DeleteAction(key string) error {
	p, err := s.actionPath(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing action record %s: %w", p, err)
	}
	return nil
}

// Complete reports whether every object rec names exists with its recorded size.
func (s *Store) Complete(rec *ActionRecord) bool {
	for _, o := range rec.Outputs {
		if !s.HasObject(o.Tree) {
			return false
		}
	}
	return true
}

// WriteFileAtomic writes data to path through a temporary file in the same
// directory and a rename, so readers see the old content or the new, never a
// part; the file and then its directory are synced, so the new content
// survives a power loss once it returns.
func WriteFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}
