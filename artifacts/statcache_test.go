package artifacts

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestStatCacheSkipsUnchangedFiles: a file is read again only when its
// inode, size, mtime or ctime changed.
func TestStatCacheSkipsUnchangedFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data.bin")
	content := make([]byte, 1<<20)
	for i := range content {
		content[i] = byte(i * 7)
	}
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	cachePath := filepath.Join(dir, "statcache.json")
	c := LoadStatCache(cachePath)
	d1, n, err := c.HashFile(path)
	if err != nil || n != int64(len(content)) {
		t.Fatal(err, n)
	}
	if want := HashBytes(content); d1 != want {
		t.Fatalf("digest %s, want %s", d1, want)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	// A new process (a new cache loaded from disk) does not read the file again.
	c2 := LoadStatCache(cachePath)
	d2, _, err := c2.HashFile(path)
	if err != nil || d2 != d1 {
		t.Fatal(err, d2)
	}
	if c2.Hashed != 0 {
		t.Errorf("unchanged file was re-read (%d bytes)", c2.Hashed)
	}
	// Same size, same mtime, new content: ctime (and the inode on rewrite) catch it.
	content[0] ^= 0xff
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	d3, _, err := c2.HashFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if d3 == d1 || c2.Hashed != int64(len(content)) {
		t.Errorf("changed file served from the stat cache (hashed %d bytes)", c2.Hashed)
	}
}

func TestTreeDigestCoversNamesAndContent(t *testing.T) {
	mk := func(files map[string]string) string {
		dir := t.TempDir()
		for name, c := range files {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		tr, err := HashPath(dir)
		if err != nil {
			t.Fatal(err)
		}
		return tr.Digest
	}
	base := mk(map[string]string{"a/x": "1", "b": "2"})
	if mk(map[string]string{"b": "2", "a/x": "1"}) != base {
		t.Error("digest depends on creation order")
	}
	for name, files := range map[string]map[string]string{
		"renamed":  {"a/y": "1", "b": "2"},
		"content":  {"a/x": "1", "b": "3"},
		"added":    {"a/x": "1", "b": "2", "c": ""},
		"moved":    {"x": "1", "b": "2"},
		"boundary": {"a/x": "12", "b": ""},
	} {
		if mk(files) == base {
			t.Errorf("%s: digest unchanged", name)
		}
	}
}

func BenchmarkHashFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "f")
	data := make([]byte, 64<<20)
	for i := range data {
		data[i] = byte(i)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := HashFile(path); err != nil {
			b.Fatal(err)
		}
	}
}
