package artifacts

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"syscall"
	"time"
)

// statEntry is what the stat cache remembers of a file.
type statEntry struct {
	Ino     uint64 `json:"ino"`
	Size    int64  `json:"size"`
	MtimeNS int64  `json:"mtime_ns"`
	CtimeNS int64  `json:"ctime_ns"`
	Digest  string `json:"digest"`
}

// racyWindow: a file modified this recently may change again within the same
// timestamp tick, so its digest is not remembered.
const racyWindow = time.Second

// StatCache remembers file digests keyed by (inode, size, mtime, ctime), so
// unchanged source files are not read again. It is safe for concurrent use.
type StatCache struct {
	path string
	mu   sync.Mutex
	// entries is guarded by mu.
	entries map[string]statEntry
	// dirty is guarded by mu.
	dirty bool
	// Hashed counts the bytes actually read to hash files (for tests and stats).
	Hashed int64
}

// LoadStatCache reads the stat cache at path; a missing or unreadable cache is empty.
func LoadStatCache(path string) *StatCache {
	c := &StatCache{path: path, entries: map[string]statEntry{}}
	if b, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(b, &c.entries)
	}
	return c
}

func statKey(info fs.FileInfo) (statEntry, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return statEntry{}, false
	}
	return statEntry{
		Ino:     st.Ino,
		Size:    info.Size(),
		MtimeNS: info.ModTime().UnixNano(),
		CtimeNS: st.Ctim.Sec*1e9 + st.Ctim.Nsec,
	}, true
}

// HashFile returns the digest and size of a regular file, from the cache when
// its inode, size, mtime and ctime are unchanged.
func (c *StatCache) HashFile(path string) (string, int64, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", 0, fmt.Errorf("hashing %s: %w", path, err)
	}
	key, ok := statKey(info)
	if ok {
		c.mu.Lock()
		e, hit := c.entries[path]
		c.mu.Unlock()
		if hit && e.Ino == key.Ino && e.Size == key.Size && e.MtimeNS == key.MtimeNS && e.CtimeNS == key.CtimeNS {
			return e.Digest, e.Size, nil
		}
	}
	d, n, err := HashFile(path)
	if err != nil {
		return "", 0, err
	}
	c.mu.Lock()
	c.Hashed += n
	if ok && n == key.Size && time.Since(info.ModTime()) > racyWindow {
		key.Digest = d
		c.entries[path] = key
		c.dirty = true
	}
	c.mu.Unlock()
	return d, n, nil
}

// HashPath hashes a file or directory tree, using the cache for each file.
func (c *StatCache) HashPath(path string) (Tree, error) {
	return hashPath(path, c.HashFile)
}

// Save writes the cache back if it changed.
func (c *StatCache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty {
		return nil
	}
	// Forget entries of files that no longer exist.
	for p := range c.entries {
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			delete(c.entries, p)
		}
	}
	b, err := json.Marshal(c.entries)
	if err != nil {
		return err
	}
	if err := WriteFileAtomic(c.path, b); err != nil {
		return fmt.Errorf("saving stat cache: %w", err)
	}
	c.dirty = false
	return nil
}
