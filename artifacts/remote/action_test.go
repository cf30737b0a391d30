package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"gocloud.dev/blob"
	"gocloud.dev/blob/memblob"

	"github.com/mlpipe/pipeline/artifacts"
)

// record returns an action record for key whose single output is named by tag.
func record(key, tag string) *artifacts.ActionRecord {
	return &artifacts.ActionRecord{
		Key: key, Kind: "exec", Version: "1",
		Outputs: map[string]artifacts.Output{"o": {Tree: artifacts.Tree{Digest: artifacts.HashBytes([]byte(tag)), Size: 3, Files: 1}}},
		Created: time.Unix(1_700_000_000, 0).UTC(),
	}
}

func TestGetActionMissAndHit(t *testing.T) {
	ctx := context.Background()
	remote, _ := openTemp(t)
	key := artifacts.HashBytes([]byte("stage"))
	before := remote.Stats()
	rec, err := remote.GetAction(ctx, key)
	if err != nil || rec != nil {
		t.Fatalf("miss: %v, %v", rec, err)
	}
	if _, err := remote.PutAction(ctx, record(key, "a")); err != nil {
		t.Fatal(err)
	}
	mid := remote.Stats()
	rec, err = remote.GetAction(ctx, key)
	if err != nil || rec == nil || rec.Outputs["o"].Digest != artifacts.HashBytes([]byte("a")) {
		t.Fatalf("hit: %+v, %v", rec, err)
	}
	after := remote.Stats()
	if after.Gets-mid.Gets != 1 || after.Heads != mid.Heads || mid.Gets-before.Gets != 1 {
		t.Errorf("a lookup should cost exactly one GET and no HEAD: %+v → %+v → %+v", before, mid, after)
	}
}

func TestGetActionRefusesForeignRecord(t *testing.T) {
	ctx := context.Background()
	remote, dir := openTemp(t)
	a, b := artifacts.HashBytes([]byte("a")), artifacts.HashBytes([]byte("b"))
	if _, err := remote.PutAction(ctx, record(a, "x")); err != nil {
		t.Fatal(err)
	}
	ka, _ := actionKey(a)
	kb, _ := actionKey(b)
	data, _ := os.ReadFile(filepath.Join(dir, ka))
	os.MkdirAll(filepath.Dir(filepath.Join(dir, kb)), 0o755)
	os.WriteFile(filepath.Join(dir, kb), data, 0o644)
	if rec, err := remote.GetAction(ctx, b); err == nil {
		t.Fatalf("a record naming another key was served: %+v", rec)
	}
	os.WriteFile(filepath.Join(dir, kb), []byte("{not json"), 0o644)
	if _, err := remote.GetAction(ctx, b); err == nil {
		t.Fatal("an unparsable record was served")
	}
}

func TestRacingPutActionHasOneWinner(t *testing.T) {
	ctx := context.Background()
	remote, _ := openTemp(t)
	for round := range 20 {
		key := artifacts.HashBytes(fmt.Appendf(nil, "race %d", round))
		recs := []*artifacts.ActionRecord{record(key, "first"), record(key, "second")}
		got := make([]*artifacts.ActionRecord, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range recs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				got[i], errs[i] = remote.PutAction(ctx, recs[i])
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d writer %d: %v", round, i, err)
			}
		}
		won := 0
		for i := range recs {
			if got[i] == recs[i] {
				won++
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d writers won", round, won)
		}
		if got[0].Outputs["o"].Digest != got[1].Outputs["o"].Digest {
			t.Fatalf("round %d: the loser did not get the winner's record", round)
		}
		stored, err := remote.GetAction(ctx, key)
		if err != nil || stored.Outputs["o"].Digest != got[0].Outputs["o"].Digest {
			t.Fatalf("round %d: stored record %+v, %v disagrees with the winner", round, stored, err)
		}
	}
}

// overwriter is a store that ignores create-only writes.
type overwriter struct {
	mu    sync.Mutex
	blobs map[string][]byte
}

func (o *overwriter) create(_ context.Context, key string, write func(io.Writer) error) (bool, error) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(write(pw)) }()
	b, err := io.ReadAll(pr)
	if err != nil {
		return false, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.blobs[key] = b
	return true, nil
}

func TestProbeDetectsStoreWithoutConditionalWrites(t *testing.T) {
	ctx := context.Background()
	remote, _ := openTemp(t)
	if !remote.Conditional() {
		t.Fatal("a file store was found to ignore create-only writes")
	}
	var logs bytes.Buffer
	remote.log = zerolog.New(&logs)
	remote.create = &overwriter{blobs: map[string][]byte{}}
	if err := remote.checkConditional(ctx, "s3://bucket/p?secret=x"); err != nil {
		t.Fatal(err)
	}
	if remote.Conditional() {
		t.Error("a store that overwrites was taken for a conditional one")
	}
	if n := strings.Count(logs.String(), `"level":"warn"`); n != 1 || strings.Contains(logs.String(), "secret") {
		t.Errorf("want one warning without the URL's query, got %q", logs.String())
	}
	// Without conditional writes, an existing record still wins.
	key := artifacts.HashBytes([]byte("k"))
	ak, _ := actionKey(key)
	first := record(key, "first")
	if _, err := remote.create.create(ctx, ak, func(w io.Writer) error { return json.NewEncoder(w).Encode(first) }); err != nil {
		t.Fatal(err)
	}
	remote.bucket = memBucket(t, remote.create.(*overwriter))
	got, err := remote.PutAction(ctx, record(key, "second"))
	if err != nil || got.Outputs["o"].Digest != first.Outputs["o"].Digest {
		t.Errorf("PutAction on a store without conditional writes = %+v, %v; want the existing record", got, err)
	}
}

// memBucket returns an in-memory bucket holding the overwriter's blobs, so
// reads see what the overwriter wrote.
func memBucket(t *testing.T, o *overwriter) *blob.Bucket {
	t.Helper()
	b := memblob.OpenBucket(nil)
	t.Cleanup(func() { b.Close() })
	for k, v := range o.blobs {
		if err := b.WriteAll(context.Background(), k, v, nil); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// denier refuses every write, as a bucket does for read-only credentials.
type denier struct{}

func (denier) create(context.Context, string, func(io.Writer) error) (bool, error) {
	return false, fmt.Errorf("writing: %w", fs.ErrPermission)
}

func TestReadOnlyCredentialsStillGetHits(t *testing.T) {
	ctx := context.Background()
	writer, dir := openTemp(t)
	src := newLocal(t)
	o := build(t, src, objectCases[0].specs)
	key := artifacts.HashBytes([]byte("read-only"))
	rec := record(key, "x")
	rec.Outputs["o"] = o
	if err := writer.Push(ctx, o, src); err != nil {
		t.Fatal(err)
	}
	if _, err := writer.PutAction(ctx, rec); err != nil {
		t.Fatal(err)
	}
	reader, err := Open(ctx, fileURL(dir), WithoutProbe())
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	var logs bytes.Buffer
	reader.log = zerolog.New(&logs)
	reader.create = denier{}
	if err := reader.checkConditional(ctx, fileURL(dir)); err != nil {
		t.Fatal(err)
	}
	if !reader.ReadOnly() || strings.Count(logs.String(), "read-only") != 1 {
		t.Fatalf("read-only credentials not detected: %v %q", reader.ReadOnly(), logs.String())
	}
	got, err := reader.GetAction(ctx, key)
	if err != nil || got == nil {
		t.Fatalf("hit on a read-only store: %v, %v", got, err)
	}
	dst := newLocal(t)
	if err := reader.Fetch(ctx, o, dst); err != nil {
		t.Fatal(err)
	}
	other := build(t, dst, []fileSpec{{path: "", content: "not uploaded"}})
	if err := reader.Push(ctx, other, dst); err != nil {
		t.Fatal(err)
	}
	rec2 := record(artifacts.HashBytes([]byte("other")), "y")
	if won, err := reader.PutAction(ctx, rec2); err != nil || won != rec2 {
		t.Fatalf("PutAction on a read-only store = %v, %v", won, err)
	}
	if got, _ := writer.GetAction(ctx, rec2.Key); got != nil {
		t.Error("a read-only store wrote a record")
	}
}
