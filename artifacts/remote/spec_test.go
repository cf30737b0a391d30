package remote

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/artifacts"
)

func TestSpecIsCreateOnly(t *testing.T) {
	ctx := context.Background()
	remote, _ := openTemp(t)
	key := artifacts.HashBytes([]byte("some stage"))
	if got, err := remote.GetSpec(ctx, key); err != nil || got != nil {
		t.Fatalf("spec of an unknown key: %q, %v", got, err)
	}
	if err := remote.PutSpec(ctx, key, []byte(`{"first":true}`)); err != nil {
		t.Fatal(err)
	}
	if err := remote.PutSpec(ctx, key, []byte(`{"second":true}`)); err != nil {
		t.Fatalf("a second spec for the same key is not an error: %v", err)
	}
	got, err := remote.GetSpec(ctx, key)
	if err != nil || string(got) != `{"first":true}` {
		t.Fatalf("spec = %q, %v; want the first one written", got, err)
	}
	if err := remote.PutSpec(ctx, "nonsense", nil); err == nil || !strings.Contains(err.Error(), "malformed digest") {
		t.Fatalf("a malformed key: %v", err)
	}
}

func TestPushPathUploadsFilesOutsideAStore(t *testing.T) {
	ctx := context.Background()
	remote, _ := openTemp(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "data", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"data/a.txt": "alpha\n", "data/sub/b.txt": "beta\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, rel := range []string{"data", "data/a.txt"} {
		tree, err := artifacts.HashPath(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.PushPath(ctx, filepath.Join(dir, rel), tree); err != nil {
			t.Fatal(err)
		}
		dst := newLocal(t)
		if err := remote.Fetch(ctx, artifacts.Output{Tree: tree}, dst); err != nil {
			t.Fatalf("fetching %s: %v", rel, err)
		}
		if err := dst.VerifyObject(tree); err != nil {
			t.Fatal(err)
		}
	}
	// A path whose content is not the tree it claims is refused.
	bad := artifacts.Tree{Digest: artifacts.HashBytes([]byte("other")), Size: 6, Files: 1}
	if err := remote.PushPath(ctx, filepath.Join(dir, "data/a.txt"), bad); err == nil {
		t.Fatal("pushing a file under another file's digest succeeded")
	}
}
