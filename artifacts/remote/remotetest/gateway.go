// Package remotetest starts a throwaway S3-compatible server for tests of the
// remote store: versitygw (Apache-2.0) with its posix backend in a temporary
// directory on 127.0.0.1. Tests that use it carry the `integration` build tag;
// scripts/remote/install-versitygw.sh installs the binary.
package remotetest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Credentials and bucket of the throwaway gateway.
const (
	AccessKey = "pipeline-test"
	SecretKey = "pipeline-test-secret"
	Bucket    = "cache"
)

// Gateway is a running versitygw server with one bucket.
type Gateway struct {
	// Endpoint is its http:// address.
	Endpoint string
	// Client talks S3 to it with the gateway's credentials.
	Client *s3.Client
}

// Start starts versitygw (the binary named by $VERSITYGW, else found on
// PATH), creates the bucket, and sets the AWS credential variables for the
// test. The test is skipped, saying how to install it, when there is none.
// The server stops when the test ends.
func Start(t testing.TB) *Gateway {
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
	cmd := exec.Command(bin, "--access", AccessKey, "--secret", SecretKey, "--port", addr, "posix", t.TempDir())
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
		<-time.After(20 * time.Millisecond) // between connection attempts
	}
	g := &Gateway{Endpoint: "http://" + addr}
	g.Client = s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(g.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""),
	})
	if _, err := g.Client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(Bucket)}); err != nil {
		t.Fatalf("creating bucket: %v", err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", SecretKey)
	return g
}

// URL is the remote-store URL of prefix in the gateway's bucket.
func (g *Gateway) URL(prefix string) string {
	return fmt.Sprintf("s3://%s/%s?endpoint=%s&region=us-east-1&use_path_style=true&disable_https=true", Bucket, prefix, g.Endpoint)
}
