//go:build integration

package remote_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/artifacts/remote"
)

// Credentials of the throwaway gateway.
const (
	gwAccess = "pipeline-test"
	gwSecret = "pipeline-test-secret"
	gwBucket = "cache"
)

// gateway is a versitygw server on 127.0.0.1 with a posix backend in a
// temporary directory.
type gateway struct {
	endpoint string
	client   *s3.Client
}

// startGateway starts versitygw (the binary named by $VERSITYGW, else found
// on PATH) and creates the bucket; the test is skipped when there is none.
func startGateway(t *testing.T) *gateway {
	t.Helper()
	bin := os.Getenv("VERSITYGW")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("versitygw"); err != nil {
			t.Skip("versitygw not found: set VERSITYGW to its binary (scripts/remote/install-versitygw.sh installs it)")
		}
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("versitygw not found at VERSITYGW=%s: %v", bin, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	root := t.TempDir()
	cmd := exec.Command(bin, "--access", gwAccess, "--secret", gwSecret, "--port", addr, "posix", root)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting versitygw: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("versitygw output:\n%s", logs.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not listen on %s: %v\n%s", addr, err, logs.String())
		}
		pause()
	}
	g := &gateway{endpoint: "http://" + addr}
	g.client = s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(g.endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(gwAccess, gwSecret, ""),
	})
	if _, err := g.client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(gwBucket)}); err != nil {
		t.Fatalf("creating bucket: %v", err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", gwAccess)
	t.Setenv("AWS_SECRET_ACCESS_KEY", gwSecret)
	return g
}

// pause waits a moment between connection attempts.
func pause() { <-time.After(20 * time.Millisecond) }

// url is the remote URL of prefix in the gateway's bucket.
func (g *gateway) url(prefix string) string {
	return fmt.Sprintf("s3://%s/%s?endpoint=%s&region=us-east-1&use_path_style=true&disable_https=true", gwBucket, prefix, g.endpoint)
}

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
