package gc

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
)

// DefaultKeepRuns is how many runs a collection keeps when not told.
const DefaultKeepRuns = 10

// Options control a collection.
type Options struct {
	// KeepRuns is how many of the newest runs are kept, with every object
	// their manifests name (inputs and outputs). Zero keeps none.
	KeepRuns int
	// DryRun computes the report and changes nothing.
	DryRun bool
}

// Kept counts what a collection keeps.
type Kept struct {
	// Objects are the objects a kept run or a current output references.
	Objects Tally `json:"objects"`
	// Records are the action-cache records whose outputs are all kept.
	Records Tally `json:"records"`
}

// Report says what a collection removed or, in a dry run, would remove.
type Report struct {
	// Workspace is the workspace directory.
	Workspace string `json:"workspace"`
	// DryRun is set when nothing was changed.
	DryRun bool `json:"dry_run"`
	// Busy is set on a dry run when a pipeline holds the workspace, so a real
	// collection would refuse now.
	Busy bool `json:"busy,omitempty"`
	// KeptRuns lists the kept runs, newest first.
	KeptRuns []string `json:"kept_runs"`
	// RemovedRuns lists the runs removed, newest first.
	RemovedRuns []string `json:"removed_runs"`
	// Runs counts the run directories removed (manifests and logs).
	Runs Tally `json:"runs"`
	// Records counts the action-cache records removed.
	Records Tally `json:"records"`
	// Objects counts the objects removed.
	Objects Tally `json:"objects"`
	// Leftovers counts temporary files of interrupted writes and deletions.
	Leftovers Tally `json:"leftovers"`
	// Bundles counts the projects a worker rebuilt for distributed runs
	// (`bundles/`). Their files are hard links to objects, so their bytes
	// are counted with the objects, not here; a later stage rebuilds them.
	Bundles Tally `json:"bundles"`
	// Caches counts what stage kinds keep across runs (`cache/<kind>/...`:
	// built Python environments), removed whole; a later stage rebuilds
	// what it needs.
	Caches Tally `json:"caches"`
	// Kept counts what stays.
	Kept Kept `json:"kept"`
}

// Freed returns the bytes the collection frees.
func (r *Report) Freed() int64 {
	return r.Runs.Bytes + r.Records.Bytes + r.Objects.Bytes + r.Leftovers.Bytes + r.Caches.Bytes
}

// plan is what a collection will delete, in order.
type plan struct {
	trash   []string // leftover directories of interrupted run deletions
	runs    []Run
	records []record // invalid, unkept or temporary action-cache files
	objects []object
	bundles []string
	caches  []string
}

// Collect deletes the runs beyond the newest opts.KeepRuns, then the
// action-cache records and objects that neither a kept run nor a current
// output (`out/<stage>/<port>`) needs, then every project rebuilt for a
// distributed run (without them, their hard links would keep deleted
// objects' bytes on disk) and what stage kinds cache (`cache/`). A record is kept only when every
// object it names is kept and present, so no remaining record ever names a
// missing object. It refuses, wrapping ErrBusy, while a pipeline holds the
// workspace; a dry run only reports that.
func Collect(ws *runtime.Workspace, opts Options) (*Report, error) {
	if opts.KeepRuns < 0 {
		return nil, fmt.Errorf("the number of runs to keep must be 0 or more, got %d", opts.KeepRuns)
	}
	if info, err := os.Stat(ws.Root); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("no workspace at %s", ws.Root)
	}
	rep := &Report{Workspace: ws.Root, DryRun: opts.DryRun, KeptRuns: []string{}, RemovedRuns: []string{}}
	if opts.DryRun {
		rep.Busy = busy(ws.Root)
	} else {
		l, err := lockExclusive(ws.Root)
		if err != nil {
			return nil, err
		}
		defer l.Unlock()
	}
	p, err := makePlan(ws, opts.KeepRuns, rep)
	if err != nil {
		return nil, err
	}
	if opts.DryRun {
		return rep, nil
	}
	if err := p.apply(ws); err != nil {
		return rep, err
	}
	return rep, nil
}

// makePlan decides what to delete and fills in the report's counts.
func makePlan(ws *runtime.Workspace, keep int, rep *Report) (*plan, error) {
	p := &plan{}
	runsDir := ws.RunsDir()
	entries, err := readDirIfExists(runsDir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), trashPrefix) {
			dir := filepath.Join(runsDir, e.Name())
			size, err := pathSize(dir)
			if err != nil {
				return nil, err
			}
			p.trash = append(p.trash, dir)
			rep.Leftovers.add(size)
		}
	}
	runs, err := ListRuns(ws)
	if err != nil {
		return nil, err
	}
	live := map[string]bool{}
	for i := range runs {
		r := &runs[i]
		if i >= keep {
			size, err := pathSize(r.Dir)
			if err != nil {
				return nil, err
			}
			p.runs = append(p.runs, *r)
			rep.RemovedRuns = append(rep.RemovedRuns, r.ID)
			rep.Runs.add(size)
			continue
		}
		if r.Err != nil {
			return nil, fmt.Errorf("%w: a kept run's references are unknown, so nothing is collected (remove the run with `pipeline runs rm %s`, or keep fewer runs)", r.Err, r.ID)
		}
		rep.KeptRuns = append(rep.KeptRuns, r.ID)
		for _, d := range r.references() {
			if id := objectID(d); id != "" {
				live[id] = true
			}
		}
	}
	links, err := listOutLinks(ws)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		live[l.object] = true
	}
	objects, err := listObjects(ws.Store)
	if err != nil {
		return nil, err
	}
	kept := map[string]bool{}
	for _, o := range objects {
		if live[o.id] {
			kept[o.id] = true
			rep.Kept.Objects.add(o.size)
			continue
		}
		p.objects = append(p.objects, o)
		rep.Objects.add(o.size)
	}
	bundles, err := readDirIfExists(ws.BundlesDir())
	if err != nil {
		return nil, err
	}
	for _, e := range bundles {
		p.bundles = append(p.bundles, filepath.Join(ws.BundlesDir(), e.Name()))
		rep.Bundles.add(0)
	}
	kinds, err := readDirIfExists(ws.CachesDir())
	if err != nil {
		return nil, err
	}
	for _, e := range kinds {
		entries, err := readDirIfExists(ws.CacheDir(e.Name()))
		if err != nil {
			return nil, err
		}
		for _, c := range entries {
			path := filepath.Join(ws.CacheDir(e.Name()), c.Name())
			size, err := pathSize(path)
			if err != nil {
				return nil, err
			}
			p.caches = append(p.caches, path)
			rep.Caches.add(size)
		}
	}
	records, err := listRecords(ws.Store, true)
	if err != nil {
		return nil, err
	}
	for _, r := range records {
		switch {
		case r.temp:
			rep.Leftovers.add(r.size)
		case r.valid && allKept(r.outputs, kept):
			rep.Kept.Records.add(r.size)
			continue
		default:
			rep.Records.add(r.size)
		}
		p.records = append(p.records, r)
	}
	return p, nil
}

func allKept(ids []string, kept map[string]bool) bool {
	for _, id := range ids {
		if !kept[id] {
			return false
		}
	}
	return true
}

// interrupt, when set (by tests), is called before each deletion; an error
// stops the collection there, as a crash would.
var interrupt func(path string) error

// apply deletes in crash-safe order: runs (renamed out of the listing
// first), then records, then objects. Interrupted at any point, every
// remaining record and kept run names only objects that still exist.
func (p *plan) apply(ws *runtime.Workspace) error {
	step := func(path string) error {
		if interrupt != nil {
			return interrupt(path)
		}
		return nil
	}
	for _, dir := range p.trash {
		if err := step(dir); err != nil {
			return err
		}
		if err := artifacts.RemoveAll(dir); err != nil {
			return fmt.Errorf("removing the leftover of an interrupted run deletion: %w", err)
		}
	}
	for _, r := range p.runs {
		if err := step(r.Dir); err != nil {
			return err
		}
		if _, err := removeRunDir(ws, r.ID); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	for _, r := range p.records {
		if err := step(r.path); err != nil {
			return err
		}
		if err := os.Remove(r.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing action record %s: %w", r.path, err)
		}
	}
	for _, o := range p.objects {
		if err := step(o.path); err != nil {
			return err
		}
		if err := artifacts.RemoveAll(o.path); err != nil {
			return fmt.Errorf("removing object %s: %w", o.path, err)
		}
	}
	for _, dir := range p.bundles {
		if err := step(dir); err != nil {
			return err
		}
		if err := artifacts.RemoveAll(dir); err != nil {
			return fmt.Errorf("removing rebuilt project %s: %w", dir, err)
		}
	}
	for _, dir := range p.caches {
		if err := step(dir); err != nil {
			return err
		}
		if err := artifacts.RemoveAll(dir); err != nil {
			return fmt.Errorf("removing cache entry %s: %w", dir, err)
		}
	}
	removeEmptyShards(ws.Store.ActionsDir())
	removeEmptyShards(ws.Store.ObjectsDir())
	return nil
}

// removeEmptyShards removes shard directories left empty; the store
// recreates them on demand.
func removeEmptyShards(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() && artifacts.IsShardName(e.Name()) {
			_ = os.Remove(filepath.Join(dir, e.Name())) // fails, as wanted, when not empty
		}
	}
}
