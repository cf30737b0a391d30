//go:build integration

package remote_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/artifacts/remote"
	"github.com/mlpipe/pipeline/artifacts/remote/remotetest"
)

// gateway is a versitygw server on 127.0.0.1 with a posix backend in a
// temporary directory.
type gateway struct {
	*remotetest.Gateway
	client *s3.Client
}

// startGateway starts versitygw; the test is skipped when there is none.
func startGateway(t *testing.T) *gateway {
	gw := remotetest.Start(t)
	return &gateway{Gateway: gw, client: gw.Client}
}

// url is the remote URL of prefix in the gateway's bucket.
func (g *gateway) url(prefix string) string { return g.URL(prefix) }

const gwBucket = remotetest.Bucket

func (g *gateway) open(t *testing.T, prefix string) *remote.Store {
	t.Helper()
	s, err := remote.Open(context.Background(), g.url(prefix))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestVersityGateway(t *testing.T) {
	g := startGateway(t)
	ctx := context.Background()

	t.Run("honours create-only writes", func(t *testing.T) {
		if !g.open(t, "probe").Conditional() {
			t.Fatal("versitygw was found to ignore If-None-Match")
		}
	})

	t.Run("round trip and corruption", func(t *testing.T) {
		r := g.open(t, "objects")
		src, dst := localStore(t), localStore(t)
		for _, o := range []artifacts.Output{
			publish(t, src, map[string]string{"": "one file\n"}),
			publish(t, src, map[string]string{"big": string(bytes.Repeat([]byte("0123456789"), 3_000_000))}),
			publish(t, src, map[string]string{"a/b.txt": "b", "c.txt": "c"}),
		} {
			if err := r.Push(ctx, o, src); err != nil {
				t.Fatal(err)
			}
			if err := r.Fetch(ctx, o, dst); err != nil {
				t.Fatal(err)
			}
			if err := dst.VerifyObject(o.Tree); err != nil {
				t.Fatal(err)
			}
		}
		// Overwrite an object behind the cache's back.
		o := publish(t, src, map[string]string{"": "to be damaged\n"})
		if err := r.Push(ctx, o, src); err != nil {
			t.Fatal(err)
		}
		_, err := g.client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(gwBucket), Key: aws.String("objects/v1/objects/" + o.Digest[len("xxh3:"):]),
			Body: bytes.NewReader([]byte("garbage\n")),
		})
		if err != nil {
			t.Fatal(err)
		}
		fresh := localStore(t)
		if err := r.Fetch(ctx, o, fresh); err == nil {
			t.Fatal("a corrupt remote object was accepted")
		}
		if fresh.HasObject(o.Tree) {
			t.Fatal("a corrupt remote object was kept")
		}
	})

	t.Run("racing records", func(t *testing.T) {
		for round := range 10 {
			key := artifacts.HashBytes(fmt.Appendf(nil, "race %d", round))
			var wg sync.WaitGroup
			got := make([]*artifacts.ActionRecord, 2)
			recs := make([]*artifacts.ActionRecord, 2)
			for i := range recs {
				recs[i] = &artifacts.ActionRecord{Key: key, Kind: "exec", Outputs: map[string]artifacts.Output{
					"o": {Tree: artifacts.Tree{Digest: artifacts.HashBytes(fmt.Appendf(nil, "%d", i))}},
				}}
				r := g.open(t, "race")
				wg.Add(1)
				go func() {
					defer wg.Done()
					var err error
					if got[i], err = r.PutAction(ctx, recs[i]); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if t.Failed() {
				return
			}
			if (got[0] == recs[0]) == (got[1] == recs[1]) || got[0].Outputs["o"].Digest != got[1].Outputs["o"].Digest {
				t.Fatalf("round %d: want exactly one winner that both agree on", round)
			}
		}
	})

	t.Run("a flipped bit is rebuilt, not spread", func(t *testing.T) {
		poison := func(tag string) string {
			return "version: 1\nname: poison\nstages:\n" +
				"  up: {kind: exec, with: {cmd: \"seq 1 1000 > $PIPELINE_OUT/o\", outputs: [o]}}\n" +
				"  down: {kind: exec, inputs: {x: up}, with: {cmd: \"echo " + tag + " $(cksum < $PIPELINE_IN_X) > $PIPELINE_OUT/o\", outputs: [o]}}\n"
		}
		first := newProject(t, poison("a"), map[string]string{})
		res := first.run(g.open(t, "poison"))
		up := res.Stages[0].Outputs["o"]
		obj := filepath.Join(first.dir, ".pipeline", "objects", up.Digest[5:7], up.Digest[5:])
		b, err := os.ReadFile(obj)
		if err != nil {
			t.Fatal(err)
		}
		b[0] ^= 1
		if err := os.Chmod(obj, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(obj, b, 0o444); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(first.dir, "pipeline.yaml"), []byte(poison("b")), 0o644); err != nil {
			t.Fatal(err)
		}
		// The corrupt local copy is quarantined and a verified one fetched
		// from the remote; down runs on that.
		if got := statuses(first.run(g.open(t, "poison"))); got != "up=cached down=ran" {
			t.Fatalf("after the flip: %s", got)
		}
		clean := newProject(t, poison("b"), map[string]string{})
		if got := statuses(clean.run(g.open(t, "poison"))); got != "up=cached down=cached" {
			t.Fatalf("clean machine: %s", got)
		}
		want := newProject(t, poison("b"), map[string]string{}).run(nil).Stages[1].Outputs["o"].Digest
		for name, p := range map[string]*project{"first": first, "clean": clean} {
			got, _ := os.ReadFile(filepath.Join(p.dir, ".pipeline", "out", "pipeline", "down", "o"))
			if artifacts.HashBytes(got) != want {
				t.Errorf("%s machine's down output %q is not the clean one", name, got)
			}
		}
	})

	t.Run("a damaged record is replaced with a conditional write", func(t *testing.T) {
		files := func() map[string]string { return map[string]string{"words.txt": "heal me\n"} }
		res := newProject(t, flow, files()).run(g.open(t, "heal"))
		key := "heal/v1/ac/" + res.Stages[2].Key[len("xxh3:"):] + ".json"
		if _, err := g.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(gwBucket), Key: aws.String(key),
			Body: bytes.NewReader([]byte("{not json"))}); err != nil {
			t.Fatal(err)
		}
		if got := statuses(newProject(t, flow, files()).run(g.open(t, "heal"))); got != "clean=cached split=cached count=ran" {
			t.Fatalf("second machine: %s", got)
		}
		if got := statuses(newProject(t, flow, files()).run(g.open(t, "heal"))); got != "clean=cached split=cached count=cached" {
			t.Errorf("third machine: %s", got)
		}
	})

	t.Run("second workspace is all hits", func(t *testing.T) {
		files := map[string]string{"words.txt": "s3 a b\n"}
		if got := statuses(newProject(t, flow, files).run(g.open(t, "team"))); got != "clean=ran split=ran count=ran" {
			t.Fatalf("first machine: %s", got)
		}
		second := newProject(t, flow, map[string]string{"words.txt": "s3 a b\n"})
		r := g.open(t, "team")
		before := r.Stats()
		if got := statuses(second.run(r)); got != "clean=cached split=cached count=cached" {
			t.Fatalf("second machine: %s", got)
		}
		if second.ran() != "" {
			t.Errorf("the second machine executed: %s", second.ran())
		}
		if st := r.Stats(); st.Gets-before.Gets != 6 || st.Puts != before.Puts || st.Heads != before.Heads {
			t.Errorf("hits made %+v from %+v; want 6 GETs only", st, before)
		}
	})
}

// localStore returns an initialised local store in a temporary directory.
func localStore(t *testing.T) *artifacts.Store {
	t.Helper()
	st := artifacts.NewStore(filepath.Join(t.TempDir(), ".pipeline"))
	if err := st.Init(); err != nil {
		t.Fatal(err)
	}
	return st
}

// publish writes files (one file when the only name is empty) and publishes them.
func publish(t *testing.T, st *artifacts.Store, files map[string]string) artifacts.Output {
	t.Helper()
	tmp, err := st.TempDir("test")
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(tmp, "obj")
	for name, content := range files {
		p := filepath.Join(root, name)
		if name == "" {
			p = root
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree, err := st.Publish(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	return artifacts.Output{Tree: tree}
}
