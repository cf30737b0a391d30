// Package artifacts is the content-addressed store: digests of files and
// directory trees, immutable objects kept by digest, the action cache that maps
// a stage key to the digests of its outputs, and the stat cache that spares
// re-hashing unchanged source files.
package artifacts

import (
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/zeebo/xxh3"
)

// Algorithm is the prefix of every digest this package produces.
const Algorithm = "xxh3"

// hashBufSize is the read size when hashing files; large reads keep the hash
// loop near memory speed.
const hashBufSize = 1 << 20

// hashBufs recycles hashing buffers: a store proves many small objects, and a
// fresh megabyte for each would be most of the work.
var hashBufs = sync.Pool{New: func() any { b := make([]byte, hashBufSize); return &b }}

// FormatDigest renders a 128-bit XXH3 sum as an algorithm-prefixed digest.
func FormatDigest(sum xxh3.Uint128) string {
	b := sum.Bytes()
	return Algorithm + ":" + hex.EncodeToString(b[:])
}

// ShortDigest abbreviates a digest for messages and tables: the algorithm
// and 12 hex digits.
func ShortDigest(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13]
	}
	return d
}

// HashBytes returns the digest of b.
func HashBytes(b []byte) string { return FormatDigest(xxh3.Hash128(b)) }

// HashReader returns the digest of everything r yields, and its length.
func HashReader(r io.Reader) (string, int64, error) {
	h := xxh3.New()
	buf := hashBufs.Get().(*[]byte)
	defer hashBufs.Put(buf)
	n, err := io.CopyBuffer(h, r, *buf)
	if err != nil {
		return "", n, err
	}
	return FormatDigest(h.Sum128()), n, nil
}

// bytesHashed counts the bytes HashFile has read in this process.
var bytesHashed atomic.Int64

// BytesHashed returns how many bytes of files this process has hashed (for
// tests and statistics: a check that should be a stat reads nothing).
func BytesHashed() int64 { return bytesHashed.Load() }

// HashFile returns the digest and size of the file at path. Large files are
// memory-mapped, which spares copying them through a buffer.
func HashFile(path string) (d string, n int64, err error) {
	defer func() { bytesHashed.Add(n) }()
	f, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("hashing %s: %w", path, err)
	}
	defer f.Close()
	if md, mn, ok := hashMapped(f); ok {
		return md, mn, nil
	}
	d, n, err = HashReader(f)
	if err != nil {
		return "", 0, fmt.Errorf("hashing %s: %w", path, err)
	}
	return d, n, nil
}

// Entry is one member of a directory tree as it enters the tree's digest.
type Entry struct {
	// Path is slash-separated and relative to the tree's root.
	Path string
	// Type is "f" (regular file), "x" (executable file), "d" (directory) or "l" (symlink).
	Type string
	// Digest is the file's digest, or the symlink's target; empty for directories.
	Digest string
	// Size is the file's size in bytes.
	Size int64
}

// Tree describes a hashed file or directory.
type Tree struct {
	// Digest identifies the content: a file's digest, or for a directory the
	// digest of its sorted entry list.
	Digest string
	// Dir is true when the artifact is a directory.
	Dir bool
	// Size is the total size of the regular files in bytes.
	Size int64
	// Files counts regular files.
	Files int
}

// HashPath hashes a file or a directory tree. A directory's digest covers
// every member's relative path, type and content, so renames and permission
// changes of the executable bit change it; timestamps do not.
func HashPath(path string) (Tree, error) {
	return hashPath(path, func(p string) (string, int64, error) { return HashFile(p) })
}

// hashPath hashes path using fileHash for regular files (which the stat cache
// replaces with a cached lookup).
func hashPath(path string, fileHash func(string) (string, int64, error)) (Tree, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return Tree{}, fmt.Errorf("hashing %s: %w", path, err)
	}
	if !info.IsDir() {
		if info.Mode()&fs.ModeSymlink != 0 {
			info, err = os.Stat(path)
			if err != nil {
				return Tree{}, fmt.Errorf("hashing %s: %w", path, err)
			}
			if info.IsDir() {
				return hashPath(mustEval(path), fileHash)
			}
		}
		if !info.Mode().IsRegular() {
			return Tree{}, fmt.Errorf("hashing %s: not a regular file or directory", path)
		}
		d, n, err := fileHash(path)
		if err != nil {
			return Tree{}, err
		}
		return Tree{Digest: d, Size: n, Files: 1}, nil
	}
	entries, err := TreeEntries(path, fileHash)
	if err != nil {
		return Tree{}, err
	}
	return TreeDigest(entries), nil
}

// TreeDigest computes a directory's Tree from its members: the digest of the
// sorted "type path\x00digest\n" lines, the total size and file count. It
// sorts entries in place.
func TreeDigest(entries []Entry) Tree {
	sort.Slice(entries, func(i, j int) bool { return entries[i].Path < entries[j].Path })
	t := Tree{Dir: true}
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&b, "%s %s\x00%s\n", e.Type, e.Path, e.Digest)
		if e.Type == "f" || e.Type == "x" {
			t.Size += e.Size
			t.Files++
		}
	}
	t.Digest = HashBytes([]byte(b.String()))
	return t
}

func mustEval(p string) string {
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		return p
	}
	return r
}

// TreeEntries lists a directory tree's members in lexical order of their
// slash-separated relative paths, hashing regular files with fileHash.
func TreeEntries(root string, fileHash func(string) (string, int64, error)) ([]Entry, error) {
	var entries []Entry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("walking %s: %w", p, err)
		}
		if p == root {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			entries = append(entries, Entry{Path: rel, Type: "d"})
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return fmt.Errorf("reading link %s: %w", p, err)
			}
			entries = append(entries, Entry{Path: rel, Type: "l", Digest: target})
		case d.Type().IsRegular():
			info, err := d.Info()
			if err != nil {
				return fmt.Errorf("stat %s: %w", p, err)
			}
			typ := "f"
			if info.Mode()&0o111 != 0 {
				typ = "x"
			}
			dg, n, err := fileHash(p)
			if err != nil {
				return err
			}
			entries = append(entries, Entry{Path: rel, Type: typ, Digest: dg, Size: n})
		default:
			return fmt.Errorf("hashing %s: unsupported file type %s", p, d.Type())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Path < entries[j].Path })
	return entries, nil
}
