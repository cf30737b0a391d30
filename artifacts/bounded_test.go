package artifacts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFileBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFileBounded(path, 10); err != nil || string(b) != "0123456789" {
		t.Fatalf("at the bound: %q, %v", b, err)
	}
	if _, err := ReadFileBounded(path, 9); err == nil || !strings.Contains(err.Error(), "larger than 9 bytes") || !strings.Contains(err.Error(), path) {
		t.Fatalf("over the bound: %v", err)
	}
	if _, err := ReadFileBounded(filepath.Join(t.TempDir(), "absent"), 9); !os.IsNotExist(err) {
		t.Fatalf("a missing file: %v", err)
	}
}

// FuzzReadManifest feeds arbitrary bytes to the manifest reader: it returns
// a manifest or an error, never panics, and a manifest it returns names only
// well-formed digests.
func FuzzReadManifest(f *testing.F) {
	f.Add([]byte(`{"schema_version": 1, "run_id": "r", "stages": []}`))
	f.Add([]byte(`{"schema_version": 1, "stages": [{"name": "a", "outputs": [{"port": "p", "digest": "xxh3:00"}]}]}`))
	f.Add([]byte(`[`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "manifest.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := ReadManifest(path)
		if err != nil {
			return
		}
		for _, s := range m.Stages {
			for _, p := range append(append([]PortRecord{}, s.Inputs...), s.Outputs...) {
				if CheckDigest(p.Digest) != nil {
					t.Fatalf("accepted a malformed digest %q", p.Digest)
				}
			}
		}
	})
}
