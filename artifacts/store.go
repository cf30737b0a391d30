package artifacts

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Store is the content-addressed object store of a workspace. Objects are
// immutable files or directory trees named by digest; they are written by
// moving a finished scratch output into place, so a reader never sees a
// partial object.
type Store struct {
	// Root is the workspace directory (usually `.pipeline/`).
	Root string
}

// NewStore returns the store rooted at root. It writes nothing.
func NewStore(root string) *Store { return &Store{Root: root} }

// Init creates the store's directories.
func (s *Store) Init() error {
	for _, d := range []string{s.ObjectsDir(), s.ActionsDir(), s.TempRoot()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("creating store %s: %w", s.Root, err)
		}
	}
	return nil
}

// hexOf strips the algorithm prefix of a digest.
func hexOf(digest string) (string, error) {
	i := strings.IndexByte(digest, ':')
	if i < 0 || len(digest)-i-1 < 4 {
		return "", fmt.Errorf("malformed digest %q", digest)
	}
	h := digest[i+1:]
	if _, err := hex.DecodeString(h); err != nil {
		return "", fmt.Errorf("malformed digest %q", digest)
	}
	return h, nil
}

// CheckDigest reports whether d is a well-formed digest (an algorithm
// prefix, a colon and at least four hexadecimal digits). Records, manifests
// and remote records are checked with it when they are read, so no path is
// ever made from a malformed one.
func CheckDigest(d string) error {
	_, err := hexOf(d)
	return err
}

// ObjectPath returns where the object with digest lives (it may not exist).
// The digest must be well formed (see CheckDigest); a malformed one, which
// only a bug can pass here since every reader checks digests, panics rather
// than name a path outside the store's layout.
func (s *Store) ObjectPath(digest string) string {
	h, err := hexOf(digest)
	if err != nil {
		panic(fmt.Sprintf("artifacts: object path of %v", err))
	}
	return filepath.Join(s.ObjectsDir(), h[:2], h)
}

// TempDir creates a fresh directory under the workspace's tmp/ folder.
func (s *Store) TempDir(prefix string) (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	d := filepath.Join(s.TempRoot(), prefix+"-"+hex.EncodeToString(b[:]))
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", fmt.Errorf("creating temporary directory: %w", err)
	}
	return d, nil
}

// Publish hashes the file or directory at src and moves it into the store
// under its digest, read-only. If an identical tree already exists, src is
// removed instead; an existing file is replaced by src, so the stored bytes
// are always ones just hashed. src must be on the store's file system.
func (s *Store) Publish(src string, hash func(string) (Tree, error)) (Tree, error) {
	if hash == nil {
		hash = HashPath
	}
	t, err := hash(src)
	if err != nil {
		return Tree{}, err
	}
	if err := syncTree(src); err != nil {
		return Tree{}, fmt.Errorf("publishing %s: %w", src, err)
	}
	dst := s.ObjectPath(t.Digest)
	if info, err := os.Lstat(dst); err == nil {
		// The stored copy is unproven: a file is replaced by the bytes just
		// hashed (atomically; open readers keep the old inode), a tree is
		// kept only when it still hashes to its digest.
		if !t.Dir && !info.IsDir() {
			if err := MakeReadOnly(src); err != nil {
				return Tree{}, fmt.Errorf("publishing %s: %w", src, err)
			}
			if err := os.Rename(src, dst); err != nil {
				return Tree{}, fmt.Errorf("publishing %s as %s: %w", src, dst, err)
			}
			return t, syncDir(filepath.Dir(dst))
		}
		if got, err := HashPath(dst); err == nil && got == t {
			if err := RemoveAll(src); err != nil {
				return Tree{}, err
			}
			return t, nil
		}
		if err := RemoveAll(dst); err != nil {
			return Tree{}, fmt.Errorf("replacing damaged object %s: %w", t.Digest, err)
		}
	}
	if err := MakeReadOnly(src); err != nil {
		return Tree{}, fmt.Errorf("publishing %s: %w", src, err)
	}
	shard := filepath.Dir(dst)
	_, statErr := os.Stat(shard)
	if err := os.MkdirAll(shard, 0o755); err != nil {
		return Tree{}, fmt.Errorf("publishing %s: %w", src, err)
	}
	if statErr != nil {
		if err := syncDir(filepath.Dir(shard)); err != nil {
			return Tree{}, err
		}
	}
	if err := os.Rename(src, dst); err != nil {
		if _, statErr := os.Lstat(dst); statErr == nil {
			// Another process published the same object first.
			return t, RemoveAll(src)
		}
		return Tree{}, fmt.Errorf("publishing %s as %s: %w", src, dst, err)
	}
	return t, syncDir(shard)
}

// HasObject reports whether the object exists with the recorded shape and
// size. It stats files only; it does not re-hash.
func (s *Store) HasObject(o Tree) bool {
	p := s.ObjectPath(o.Digest)
	info, err := os.Lstat(p)
	if err != nil {
		return false
	}
	if info.IsDir() != o.Dir {
		return false
	}
	if !o.Dir {
		return info.Size() == o.Size
	}
	var size int64
	var files int
	err = filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			size += fi.Size()
			files++
		}
		return nil
	})
	return err == nil && size == o.Size && files == o.Files
}

// VerifyObject re-hashes an object and reports whether it still matches its digest.
func (s *Store) VerifyObject(o Tree) error {
	p := s.ObjectPath(o.Digest)
	t, err := HashPath(p)
	if err != nil {
		return err
	}
	if t.Digest != o.Digest {
		return fmt.Errorf("object %s is corrupt: content hashes to %s", o.Digest, t.Digest)
	}
	return nil
}

// RemoveObject deletes an object (used when it was found corrupt).
func (s *Store) RemoveObject(digest string) error {
	return RemoveAll(s.ObjectPath(digest))
}

// MakeReadOnly clears the write bits of a file or of every member of a tree.
func MakeReadOnly(path string) error {
	return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.Chmod(p, info.Mode().Perm()&^0o222)
	})
}

// RemoveAll removes path like os.RemoveAll, first restoring write permission
// on directories so read-only trees can be deleted.
func RemoveAll(path string) error {
	err := os.RemoveAll(path)
	if err == nil {
		return nil
	}
	_ = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o755)
		}
		return nil
	})
	if err := os.RemoveAll(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing %s: %w", path, err)
	}
	return nil
}
