package gc

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/mlpipe/pipeline/runtime"
)

// StageUsage is the store space held by one stage's outputs.
type StageUsage struct {
	// Stage is the stage instance name (with its sweep point, if any).
	Stage string `json:"stage"`
	// Objects are the distinct objects the stage output in any recorded run
	// or exposes under out/ now.
	Objects Tally `json:"objects"`
}

// RunUsage is the store space one run holds.
type RunUsage struct {
	// ID is the run id.
	ID string `json:"id"`
	// StartedAt is when the run started.
	StartedAt time.Time `json:"started_at"`
	// Status is the run's status, or "incomplete" when it has no manifest.
	Status string `json:"status"`
	// Objects are the distinct objects the run's stages output (ran or cached).
	Objects Tally `json:"objects"`
	// OnlyHere are the objects no other run and no current output
	// references: what removing the run and collecting would free.
	OnlyHere Tally `json:"only_here"`
	// Dir is the run's own directory (manifest, logs, metrics).
	Dir Tally `json:"dir"`
}

// Usage is the disk usage of a workspace. Bytes are the sizes of regular
// files (apparent sizes); an object shared by several stages or runs counts
// in each of their rows, and once in the totals.
type Usage struct {
	// Workspace is the workspace directory.
	Workspace string `json:"workspace"`
	// Bytes is the total of the areas below.
	Bytes int64 `json:"bytes"`
	// Objects are every object in the store.
	Objects Tally `json:"objects"`
	// Records are the action-cache records.
	Records Tally `json:"records"`
	// Runs are the run directories.
	Runs Tally `json:"runs"`
	// Scratch are the scratch directories of running or interrupted stages
	// (checkpoints a killed stage resumes from).
	Scratch Tally `json:"scratch"`
	// Temp are temporary directories (audit re-executions in progress or interrupted).
	Temp Tally `json:"temp"`
	// Current are the objects `out/<stage>/<port>` points to.
	Current Tally `json:"current"`
	// Unreferenced are the objects no run and no current output references:
	// what `gc` frees whatever number of runs it keeps.
	Unreferenced Tally `json:"unreferenced"`
	// ByStage is sorted by bytes, largest first.
	ByStage []StageUsage `json:"by_stage"`
	// ByRun is newest first.
	ByRun []RunUsage `json:"by_run"`
}

// DiskUsage measures a workspace's store by stage and by run. It writes
// nothing and takes no lock; a concurrent run may make it slightly stale.
func DiskUsage(ws *runtime.Workspace) (*Usage, error) {
	if info, err := os.Stat(ws.Root); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("no workspace at %s", ws.Root)
	}
	u := &Usage{Workspace: ws.Root, ByStage: []StageUsage{}, ByRun: []RunUsage{}}
	objects, err := listObjects(ws.Store)
	if err != nil {
		return nil, err
	}
	size := map[string]int64{}
	for _, o := range objects {
		size[o.id] = o.size
		u.Objects.add(o.size)
	}
	records, err := listRecords(ws.Store, false)
	if err != nil {
		return nil, err
	}
	for _, r := range records {
		u.Records.add(r.size)
	}
	for _, area := range []struct {
		name string
		t    *Tally
	}{{"scratch", &u.Scratch}, {"tmp", &u.Temp}} {
		if err := tallyEntries(filepath.Join(ws.Root, area.name), area.t); err != nil {
			return nil, err
		}
	}

	byStage := map[string]map[string]bool{}
	note := func(stage, id string) {
		if _, ok := size[id]; !ok {
			return
		}
		if byStage[stage] == nil {
			byStage[stage] = map[string]bool{}
		}
		byStage[stage][id] = true
	}
	// refs counts, per object, the runs and current outputs that reference it.
	refs := map[string]int{}
	links, err := listOutLinks(ws)
	if err != nil {
		return nil, err
	}
	current := map[string]bool{}
	for _, l := range links {
		note(l.stage, l.object)
		current[l.object] = true
	}
	for id := range current {
		refs[id]++
		u.Current.add(size[id])
	}
	runs, err := ListRuns(ws)
	if err != nil {
		return nil, err
	}
	runRefs := make([]map[string]bool, len(runs))
	for i := range runs {
		r := &runs[i]
		ru := RunUsage{ID: r.ID, StartedAt: r.Time, Status: r.Status}
		dirSize, err := pathSize(r.Dir)
		if err != nil {
			return nil, err
		}
		ru.Dir.add(dirSize)
		u.Runs.add(dirSize)
		runRefs[i] = map[string]bool{}
		if r.refs != nil {
			for _, d := range r.references() {
				if id := objectID(d); id != "" {
					runRefs[i][id] = true
				}
			}
			for _, s := range r.refs.Stages {
				for _, o := range s.Outputs {
					note(s.Name, objectID(o.Digest))
				}
			}
		}
		for id := range runRefs[i] {
			refs[id]++
		}
		u.ByRun = append(u.ByRun, ru)
	}
	for i := range runs {
		ru := &u.ByRun[i]
		outs := map[string]bool{}
		for _, d := range runs[i].outputs() {
			if id := objectID(d); id != "" {
				outs[id] = true
			}
		}
		for id := range outs {
			if s, ok := size[id]; ok {
				ru.Objects.add(s)
			}
		}
		for id := range runRefs[i] {
			if s, ok := size[id]; ok && refs[id] == 1 {
				ru.OnlyHere.add(s)
			}
		}
	}
	for _, o := range objects {
		if refs[o.id] == 0 {
			u.Unreferenced.add(o.size)
		}
	}
	for stage, ids := range byStage {
		su := StageUsage{Stage: stage}
		for id := range ids {
			su.Objects.add(size[id])
		}
		u.ByStage = append(u.ByStage, su)
	}
	sort.Slice(u.ByStage, func(i, j int) bool {
		a, b := u.ByStage[i], u.ByStage[j]
		if a.Objects.Bytes != b.Objects.Bytes {
			return a.Objects.Bytes > b.Objects.Bytes
		}
		return a.Stage < b.Stage
	})
	u.Bytes = u.Objects.Bytes + u.Records.Bytes + u.Runs.Bytes + u.Scratch.Bytes + u.Temp.Bytes
	return u, nil
}

// tallyEntries counts the entries of dir and the bytes under each.
func tallyEntries(dir string, t *Tally) error {
	entries, err := readDirIfExists(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		n, err := pathSize(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		t.add(n)
	}
	return nil
}
