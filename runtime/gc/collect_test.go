package gc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/runtime"
)

func TestCollectKeepsNewestRunsAndCurrentOutputs(t *testing.T) {
	cases := []struct {
		keep        int
		removedRuns []string
		// objects and records removed: three per removed parameter value
		// (a, b and d; k is shared by every run).
		objects, records int
		objectBytes      int64
		keptObjects      int
	}{
		{keep: 3, removedRuns: []string{}, keptObjects: 10},
		{keep: 2, removedRuns: []string{"run-1"}, objects: 3, records: 3, objectBytes: 8, keptObjects: 7},
		{keep: 1, removedRuns: []string{"run-2", "run-1"}, objects: 6, records: 6, objectBytes: 16, keptObjects: 4},
		// The current outputs (run-3's) stay even when no run is kept.
		{keep: 0, removedRuns: []string{"run-3", "run-2", "run-1"}, objects: 6, records: 6, objectBytes: 16, keptObjects: 4},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("keep=%d", c.keep), func(t *testing.T) {
			p := threeRuns(t)
			ws := p.ws()
			rep, err := Collect(ws, Options{KeepRuns: c.keep})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rep.RemovedRuns, c.removedRuns) {
				t.Errorf("removed runs %v, want %v", rep.RemovedRuns, c.removedRuns)
			}
			if rep.Runs.Count != len(c.removedRuns) || (len(c.removedRuns) > 0) != (rep.Runs.Bytes > 0) {
				t.Errorf("runs tally %+v", rep.Runs)
			}
			if rep.Objects != (Tally{c.objects, c.objectBytes}) || rep.Records.Count != c.records {
				t.Errorf("removed objects %+v, records %+v; want %d objects of %d bytes, %d records", rep.Objects, rep.Records, c.objects, c.objectBytes, c.records)
			}
			if rep.Kept.Objects.Count != c.keptObjects || rep.Kept.Records.Count != c.keptObjects {
				t.Errorf("kept %+v, want %d objects and records", rep.Kept, c.keptObjects)
			}
			if rep.Freed() != rep.Runs.Bytes+rep.Records.Bytes+rep.Objects.Bytes {
				t.Errorf("freed %d does not add up: %+v", rep.Freed(), rep)
			}
			if n := objectCount(t, ws); n != c.keptObjects {
				t.Errorf("%d objects left, want %d", n, c.keptObjects)
			}
			runs, _ := ListRuns(ws)
			if len(runs) != 3-len(c.removedRuns) {
				t.Errorf("%d runs left", len(runs))
			}
			checkConsistent(t, ws)
			// The current outputs are still served from the cache; collected
			// values run again.
			if got := p.run("run-4", "v=3"); got != "a=cached b=cached d=cached k=cached" {
				t.Errorf("re-run of the current outputs: %s", got)
			}
			want := "a=ran b=ran d=ran k=cached"
			if c.keep >= 3 {
				want = "a=cached b=cached d=cached k=cached"
			}
			if got := p.run("run-5", "v=1"); got != want {
				t.Errorf("re-run of the oldest values: %s, want %s", got, want)
			}
		})
	}
}

func TestCollectKeepsWhatKeptRunsReference(t *testing.T) {
	p := threeRuns(t)
	ws := p.ws()
	// run-2's outputs are exposed by no link: only its manifest keeps them.
	if _, err := Collect(ws, Options{KeepRuns: 2}); err != nil {
		t.Fatal(err)
	}
	if got := p.run("run-4", "v=2"); got != "a=cached b=cached d=cached k=cached" {
		t.Errorf("the kept run's outputs were collected: %s", got)
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	for _, keep := range []int{0, 1, 10} {
		t.Run(fmt.Sprintf("keep=%d", keep), func(t *testing.T) {
			p := threeRuns(t)
			ws := p.ws()
			if err := os.WriteFile(filepath.Join(ws.Root, "ac", "00", ".tmp-x.json-1"), []byte("{"), 0o644); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			before := snapshot(t, p.dir)
			dry, err := Collect(ws, Options{KeepRuns: keep, DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if after := snapshot(t, p.dir); after != before {
				t.Fatalf("dry run changed the workspace:\n%s\n---\n%s", before, after)
			}
			real, err := Collect(ws, Options{KeepRuns: keep})
			if err != nil {
				t.Fatal(err)
			}
			if !dry.DryRun || real.DryRun || dry.Busy {
				t.Errorf("flags: dry %+v real %+v", dry, real)
			}
			dry.DryRun = false
			if !reflect.DeepEqual(dry, real) {
				t.Errorf("dry run reported\n%+v\nthe collection did\n%+v", dry, real)
			}
		})
	}
}

func TestCollectRefusesWhileARunHoldsTheWorkspace(t *testing.T) {
	p := threeRuns(t)
	ws := p.ws()
	held, err := runtime.LockWorkspace(ws.Root, false) // as runtime.Run holds it
	if err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, p.dir)
	_, err = Collect(ws, Options{KeepRuns: 0})
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "try again when it finishes") {
		t.Errorf("collect under a run: %v", err)
	}
	rep, err := Collect(ws, Options{KeepRuns: 0, DryRun: true})
	if err != nil || !rep.Busy {
		t.Errorf("dry run under a run: busy=%v err=%v", rep != nil && rep.Busy, err)
	}
	if after := snapshot(t, p.dir); after != before {
		t.Error("a refused collection changed the workspace")
	}
	held.Unlock()
	if _, err := Collect(ws, Options{KeepRuns: 0}); err != nil {
		t.Errorf("collect after the run: %v", err)
	}
}

func TestCollectRemovesGarbageRecordsAndLeftovers(t *testing.T) {
	p := threeRuns(t)
	ws := p.ws()
	write := func(rel, content string) string {
		t.Helper()
		path := filepath.Join(ws.Root, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	missing := "xxh3:" + strings.Repeat("ee", 16)
	junk := []string{
		write("ac/ab/ab"+strings.Repeat("0", 30)+".json", "not json"),
		write("ac/cd/cd"+strings.Repeat("1", 30)+".json", `{"key":"xxh3:`+strings.Repeat("2", 32)+`","outputs":{}}`), // misnamed
		write("ac/ef/ef"+strings.Repeat("3", 30)+".json", `{"key":"xxh3:ef`+strings.Repeat("3", 30)+`","outputs":{"o":{"digest":"`+missing+`","size":1}}}`),
		write("ac/ab/.tmp-ab.json-123", "{"),
		write("runs/"+trashPrefix+"old/logs/a.log", "log"),
		write("bundles/xxh3-"+strings.Repeat("4", 32)+"/project/data/words.txt", "rebuilt for a distributed run"),
	}
	rep, err := Collect(ws, Options{KeepRuns: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range junk {
		if _, err := os.Stat(j); !os.IsNotExist(err) {
			t.Errorf("%s survived: %v", j, err)
		}
	}
	if rep.Records.Count != 3 || rep.Leftovers.Count != 2 || rep.Bundles.Count != 1 || rep.Objects.Count != 0 || len(rep.KeptRuns) != 3 {
		t.Errorf("report %+v", rep)
	}
	checkConsistent(t, ws)
}

func TestCollectRefusesUnreadableKeptManifest(t *testing.T) {
	p := threeRuns(t)
	ws := p.ws()
	if err := os.WriteFile(ws.ManifestPath("run-2"), []byte("{broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, p.dir)
	if _, err := Collect(ws, Options{KeepRuns: 5}); err == nil || !strings.Contains(err.Error(), "runs rm run-2") {
		t.Errorf("collect with a broken kept manifest: %v", err)
	}
	if after := snapshot(t, p.dir); after != before {
		t.Error("a refused collection changed the workspace")
	}
	// Beyond the kept runs, it is removed like any other.
	rep, err := Collect(ws, Options{KeepRuns: 0})
	if err != nil || len(rep.RemovedRuns) != 3 {
		t.Errorf("collect keeping none: %+v, %v", rep, err)
	}
}

// TestInterruptedCollectionStaysConsistent stops a collection before each of
// its deletions in turn, as a crash would, and checks that every remaining
// record names present objects and every remaining run still audits; a
// second collection then finishes the work.
func TestInterruptedCollectionStaysConsistent(t *testing.T) {
	steps := 0
	{
		p := threeRuns(t)
		rep, err := Collect(p.ws(), Options{KeepRuns: 1, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		steps = rep.Runs.Count + rep.Records.Count + rep.Objects.Count
		if steps != 2+6+6 {
			t.Fatalf("unexpected plan %+v", rep)
		}
	}
	stop := errors.New("interrupted")
	defer func() { interrupt = nil }()
	for at := 0; at < steps; at += 3 {
		t.Run(fmt.Sprintf("at=%d", at), func(t *testing.T) {
			p := threeRuns(t)
			ws := p.ws()
			n := 0
			interrupt = func(string) error {
				n++
				if n > at {
					return stop
				}
				return nil
			}
			if _, err := Collect(ws, Options{KeepRuns: 1}); !errors.Is(err, stop) {
				t.Fatalf("collect: %v", err)
			}
			interrupt = nil
			checkConsistent(t, ws)
			if _, err := Collect(ws, Options{KeepRuns: 1}); err != nil {
				t.Fatal(err)
			}
			checkConsistent(t, ws)
			if n := objectCount(t, ws); n != 4 {
				t.Errorf("%d objects after finishing, want 4", n)
			}
		})
	}
}

func TestCollectNeedsAWorkspace(t *testing.T) {
	ws, err := runtime.OpenWorkspace(filepath.Join(t.TempDir(), "none"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Collect(ws, Options{KeepRuns: 1}); err == nil || !strings.Contains(err.Error(), "no workspace") {
		t.Errorf("collect without a workspace: %v", err)
	}
	if _, err := os.Stat(ws.Root); !os.IsNotExist(err) {
		t.Error("collect created the workspace")
	}
	if _, err := Collect(ws, Options{KeepRuns: -1}); err == nil {
		t.Error("a negative number of runs was accepted")
	}
}
