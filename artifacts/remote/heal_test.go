package remote_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
)

// A record damaged in the remote (it no longer parses) is replaced by the
// next machine that runs the stage, so the machine after it gets hits again
// instead of every fresh machine re-running the stage forever.
func TestDamagedRemoteRecordHeals(t *testing.T) {
	bucket := t.TempDir()
	files := func() map[string]string { return map[string]string{"words.txt": "a b c d\n"} }
	res := newProject(t, flow, files()).run(openRemote(t, bucket))
	key := res.Stages[2].Key // count
	record := filepath.Join(bucket, "v1", "ac", key[len("xxh3:"):]+".json")
	if err := os.WriteFile(record, []byte(`{"key": "trunc`), 0o644); err != nil {
		t.Fatal(err)
	}
	second := newProject(t, flow, files())
	if got := statuses(second.run(openRemote(t, bucket))); got != "clean=cached split=cached count=ran" {
		t.Fatalf("second machine: %s", got)
	}
	b, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	var rec artifacts.ActionRecord
	if err := json.Unmarshal(b, &rec); err != nil || rec.Key != key {
		t.Fatalf("the damaged record was not replaced: %s (%v)", b, err)
	}
	third := newProject(t, flow, files())
	if got := statuses(third.run(openRemote(t, bucket))); got != "clean=cached split=cached count=cached" {
		t.Errorf("third machine: %s", got)
	}
}

// A run pushes what the remote lacks for every stage it used, cached ones
// included: a workspace filled without the remote shares its work on its
// next run, found with one listing.
func TestCachedStagesArePushedWhenTheRemoteLacksThem(t *testing.T) {
	bucket := t.TempDir()
	first := newProject(t, flow, map[string]string{"words.txt": "a b c d\n"})
	first.run(nil)
	r := openRemote(t, bucket)
	if got := statuses(first.run(r)); got != "clean=cached split=cached count=cached" {
		t.Fatalf("second run: %s", got)
	}
	second := newProject(t, flow, map[string]string{"words.txt": "a b c d\n"})
	if got := statuses(second.run(openRemote(t, bucket))); got != "clean=cached split=cached count=cached" {
		t.Errorf("a fresh machine after the push: %s", got)
	}
	if got := second.ran(); got != "" {
		t.Errorf("the fresh machine ran %s", got)
	}
}

// downRemote fails every call, counting them.
type downRemote struct{ calls atomic.Int64 }

var errDown = errors.New("connection refused")

func (d *downRemote) GetAction(context.Context, string) (*artifacts.ActionRecord, error) {
	d.calls.Add(1)
	return nil, errDown
}
func (d *downRemote) Fetch(context.Context, artifacts.Output, *artifacts.Store) error {
	d.calls.Add(1)
	return errDown
}
func (d *downRemote) Push(context.Context, artifacts.Output, *artifacts.Store) error {
	d.calls.Add(1)
	return errDown
}
func (d *downRemote) PutAction(context.Context, *artifacts.ActionRecord) (*artifacts.ActionRecord, error) {
	d.calls.Add(1)
	return nil, errDown
}
func (d *downRemote) ReplaceAction(context.Context, *artifacts.ActionRecord) (*artifacts.ActionRecord, error) {
	d.calls.Add(1)
	return nil, errDown
}
func (d *downRemote) MissingActions(context.Context, []string) ([]string, error) {
	d.calls.Add(1)
	return nil, errDown
}

var _ runtime.RemoteStore = (*downRemote)(nil)

// With the remote down, the run asks it three times, then goes on locally
// without asking again.
func TestDownRemoteIsGivenUpOnce(t *testing.T) {
	d := &downRemote{}
	p := newProject(t, flow, map[string]string{"words.txt": "a b c d\n"})
	if got := statuses(p.run(d)); got != "clean=ran split=ran count=ran" {
		t.Fatalf("run: %s", got)
	}
	if n := d.calls.Load(); n != 3 {
		t.Errorf("the down remote was called %d times, want 3", n)
	}
}
