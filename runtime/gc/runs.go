package gc

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
)

// Run is one directory under runs/.
type Run struct {
	// ID is the run's identifier (its directory name).
	ID string `json:"id"`
	// Dir is the run's directory.
	Dir string `json:"-"`
	// Time is when the run started (the manifest's started_at), or the
	// directory's modification time when it has no readable manifest.
	Time time.Time `json:"started_at"`
	// Status is the manifest's status, or "incomplete" when the run has no
	// manifest (it is running or was killed).
	Status string `json:"status"`
	// refs is what gc reads of the manifest; nil without one.
	refs *manifestRefs
	// Err says why an existing manifest could not be read.
	Err error `json:"-"`
}

// Complete reports whether the run finished and recorded its manifest.
func (r *Run) Complete() bool { return r.refs != nil }

// manifestRefs is the part of a manifest gc reads: decoding only it keeps
// listing many large manifests cheap, and reads any schema version.
type manifestRefs struct {
	StartedAt time.Time `json:"started_at"`
	Status    string    `json:"status"`
	Stages    []struct {
		Name    string       `json:"name"`
		Inputs  []digestOnly `json:"inputs"`
		Outputs []digestOnly `json:"outputs"`
	} `json:"stages"`
}

// digestOnly is a port record reduced to its digest.
type digestOnly struct {
	Digest string `json:"digest"`
}

// outputs returns the digests of every output the run's stages recorded.
func (r *Run) outputs() []string {
	var ds []string
	if r.refs == nil {
		return nil
	}
	for _, s := range r.refs.Stages {
		for _, o := range s.Outputs {
			ds = append(ds, o.Digest)
		}
	}
	return ds
}

// references returns the digests of every input and output the run recorded.
func (r *Run) references() []string {
	ds := r.outputs()
	if r.refs == nil {
		return ds
	}
	for _, s := range r.refs.Stages {
		for _, in := range s.Inputs {
			ds = append(ds, in.Digest)
		}
	}
	return ds
}

// trashPrefix starts the name a run directory takes while it is deleted, so
// that an interrupted deletion never leaves a half-removed run listed.
const trashPrefix = ".rm-"

// ListRuns returns the workspace's runs, newest first (by start time, then
// by id). Runs without a manifest are listed too; a manifest that cannot be
// parsed is reported in the run's Err. Any schema version is read, since
// collecting only needs the digests.
func ListRuns(ws *runtime.Workspace) ([]Run, error) {
	base := ws.RunsDir()
	entries, err := readDirIfExists(base)
	if err != nil {
		return nil, err
	}
	var runs []Run
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		r := Run{ID: e.Name(), Dir: filepath.Join(base, e.Name()), Status: "incomplete"}
		b, err := os.ReadFile(ws.ManifestPath(r.ID))
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			r.Err = fmt.Errorf("reading manifest of run %s: %w", r.ID, err)
		default:
			var m manifestRefs
			if err := json.Unmarshal(b, &m); err != nil {
				r.Err = fmt.Errorf("parsing manifest %s: %w", ws.ManifestPath(r.ID), err)
			} else {
				r.refs = &m
				r.Time, r.Status = m.StartedAt, m.Status
			}
		}
		if r.refs == nil {
			info, err := e.Info()
			if err != nil {
				continue // removed meanwhile
			}
			r.Time = info.ModTime().UTC()
		}
		runs = append(runs, r)
	}
	sort.Slice(runs, func(i, j int) bool {
		if !runs[i].Time.Equal(runs[j].Time) {
			return runs[i].Time.After(runs[j].Time)
		}
		return runs[i].ID > runs[j].ID
	})
	return runs, nil
}

// ResolveRun turns what a user typed into a run id: an exact id, `latest`
// (the newest run), or an unambiguous prefix of one id.
func ResolveRun(ws *runtime.Workspace, ref string) (string, error) {
	runs, err := ListRuns(ws)
	if err != nil {
		return "", err
	}
	if len(runs) == 0 {
		return "", fmt.Errorf("no runs in workspace %s", ws.Root)
	}
	if ref == "latest" {
		return runs[0].ID, nil
	}
	var matches []string
	for _, r := range runs {
		if r.ID == ref {
			return r.ID, nil
		}
		if ref != "" && strings.HasPrefix(r.ID, ref) {
			matches = append(matches, r.ID)
		}
	}
	switch len(matches) {
	case 0:
		return "", fmt.Errorf("no run %q in workspace %s (newest: %s)", ref, ws.Root, runs[0].ID)
	case 1:
		return matches[0], nil
	}
	sort.Strings(matches)
	return "", fmt.Errorf("run prefix %q is ambiguous: %s", ref, strings.Join(matches, ", "))
}

// RemoveRun deletes a run's directory (manifest and logs), not the objects it
// references: `gc` frees those once nothing else holds them. A run without a
// manifest is only removed when no pipeline is running in the workspace (it
// is then the leftover of a killed run); otherwise it may be in progress.
// It returns the bytes freed.
func RemoveRun(ws *runtime.Workspace, id string) (Tally, error) {
	dir := ws.RunDir(id)
	if id == "" || strings.ContainsAny(id, `/\`) || strings.HasPrefix(id, ".") {
		return Tally{}, fmt.Errorf("invalid run id %q", id)
	}
	if _, err := os.Stat(dir); err != nil {
		return Tally{}, fmt.Errorf("removing run %s: %w", id, err)
	}
	if _, err := os.Stat(ws.ManifestPath(id)); errors.Is(err, fs.ErrNotExist) {
		l, ok, err := runtime.TryLockWorkspace(ws.Root, true)
		if err != nil {
			return Tally{}, fmt.Errorf("removing run %s: %w", id, err)
		}
		if !ok {
			return Tally{}, fmt.Errorf("run %s has no manifest yet and a pipeline is running in %s: it may be that run; try again when it finishes", id, ws.Root)
		}
		defer l.Unlock()
	}
	return removeRunDir(ws, id)
}

// removeRunDir renames a run's directory out of the listing, then deletes it.
func removeRunDir(ws *runtime.Workspace, id string) (Tally, error) {
	dir := ws.RunDir(id)
	size, err := pathSize(dir)
	if err != nil {
		return Tally{}, err
	}
	trash := filepath.Join(filepath.Dir(dir), trashPrefix+id)
	if err := artifacts.RemoveAll(trash); err != nil {
		return Tally{}, fmt.Errorf("removing run %s: %w", id, err)
	}
	if err := os.Rename(dir, trash); err != nil {
		return Tally{}, fmt.Errorf("removing run %s: %w", id, err)
	}
	if err := artifacts.RemoveAll(trash); err != nil {
		return Tally{}, fmt.Errorf("removing run %s: %w", id, err)
	}
	return Tally{Count: 1, Bytes: size}, nil
}
