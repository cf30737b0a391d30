package artifacts

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// FileSeal is what the store remembers of one member of an object when it
// last proved the object's content: where its bytes live (device, inode) and
// the metadata any write changes (size, mtime, ctime).
type FileSeal struct {
	// Path is the member's slash-separated path inside a tree ("" for a file object).
	Path    string `json:"path,omitempty"`
	Dev     uint64 `json:"dev"`
	Ino     uint64 `json:"ino"`
	Size    int64  `json:"size"`
	MtimeNS int64  `json:"mtime_ns"`
	CtimeNS int64  `json:"ctime_ns"`
}

// Seal proves an object without reading it: when every member's FileSeal
// still matches, the bytes are the ones that were hashed at SealedNS. A
// member changed less than sealRacyWindow before SealedNS could have
// changed again within the same timestamp tick, so such a seal is not
// trusted and the object is hashed again.
type Seal struct {
	// Files lists the object's regular files and symlinks in walk order.
	Files []FileSeal `json:"files"`
	// SealedNS is when the content was last proved (Unix nanoseconds).
	SealedNS int64 `json:"sealed_ns"`
}

// sealRacyWindow is ten times the coarsest file-timestamp tick of a local
// Linux file system (10 ms at HZ=100); the store lives on one. (Source files
// may be anywhere, so the stat cache waits a whole second.)
const sealRacyWindow = 100 * time.Millisecond

// ErrCorrupt marks an object whose bytes no longer hash to its digest.
var ErrCorrupt = errors.New("object is corrupt")

// trusted reports whether the seal was taken long enough after every
// member's last change to rule out a change in the same timestamp tick.
func (s *Seal) trusted() bool {
	for _, f := range s.Files {
		if f.CtimeNS > s.SealedNS-int64(sealRacyWindow) || f.MtimeNS > s.SealedNS-int64(sealRacyWindow) {
			return false
		}
	}
	return true
}

// matches reports whether two seals describe the same members.
func (s *Seal) matches(o *Seal) bool {
	if len(s.Files) != len(o.Files) {
		return false
	}
	for i := range s.Files {
		if s.Files[i] != o.Files[i] {
			return false
		}
	}
	return true
}

// fileSeal reads the seal of one member from its Lstat result.
func fileSeal(rel string, info fs.FileInfo) (FileSeal, error) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return FileSeal{}, fmt.Errorf("sealing %s: no inode information on this system", rel)
	}
	return FileSeal{Path: rel, Dev: uint64(st.Dev), Ino: st.Ino, Size: info.Size(),
		MtimeNS: info.ModTime().UnixNano(), CtimeNS: st.Ctim.Sec*1e9 + st.Ctim.Nsec}, nil
}

// currentSeal stats every member of the object at path (a stat per member,
// no reads).
func currentSeal(path string) (*Seal, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		f, err := fileSeal("", info)
		if err != nil {
			return nil, err
		}
		return &Seal{Files: []FileSeal{f}}, nil
	}
	s := &Seal{}
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(path, p)
		if err != nil {
			return err
		}
		f, err := fileSeal(filepath.ToSlash(rel), info)
		if err != nil {
			return err
		}
		s.Files = append(s.Files, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// SealObject records the current seal of an object whose content has just
// been proved (hashed) by the caller.
func (s *Store) SealObject(digest string) (*Seal, error) {
	seal, err := currentSeal(s.ObjectPath(digest))
	if err != nil {
		return nil, fmt.Errorf("sealing object %s: %w", digest, err)
	}
	seal.SealedNS = time.Now().UnixNano()
	return seal, nil
}

// Prove checks that the object o names is present and still holds the bytes
// its digest names. When o's seal matches the object's files (a stat per
// file), that is proof enough; otherwise the object is hashed again and, if
// it matches, resealed. It returns o with its current seal and whether that
// seal is worth recording (it changed and will be trusted next time). A missing object is
// an error wrapping fs.ErrNotExist; a changed one wraps ErrCorrupt.
func (s *Store) Prove(o Output) (Output, bool, error) {
	p := s.ObjectPath(o.Digest)
	before, err := currentSeal(p)
	if err != nil {
		return o, false, fmt.Errorf("proving object %s: %w", o.Digest, err)
	}
	if o.Seal != nil && o.Seal.trusted() && o.Seal.matches(before) {
		return o, false, nil
	}
	t, err := HashPath(p)
	if err != nil {
		return o, false, fmt.Errorf("proving object %s: %w", o.Digest, err)
	}
	if t != o.Tree {
		return o, false, fmt.Errorf("%w: %s hashes to %s (%d bytes in %d files, recorded %d in %d)",
			ErrCorrupt, o.Digest, t.Digest, t.Size, t.Files, o.Size, o.Files)
	}
	after, err := currentSeal(p)
	if err != nil {
		return o, false, fmt.Errorf("proving object %s: %w", o.Digest, err)
	}
	if !after.matches(before) {
		return o, false, fmt.Errorf("%w: %s changed while it was being verified", ErrCorrupt, o.Digest)
	}
	after.SealedNS = time.Now().UnixNano()
	o.Seal = after
	// A seal still inside the racy window will not be trusted next time
	// either: recording it would cost a write and save nothing.
	return o, after.trusted(), nil
}

// StillSealed reports whether an object's files are exactly as its seal
// describes (a stat per file): used after a stage ran to show it did not
// change what it read.
func (s *Store) StillSealed(o Output) bool {
	if o.Seal == nil {
		return false
	}
	cur, err := currentSeal(s.ObjectPath(o.Digest))
	return err == nil && o.Seal.matches(cur)
}

// Quarantine moves a corrupt object out of the store into tmp/, where it is
// kept for inspection until gc removes it, and returns where it went.
func (s *Store) Quarantine(digest string) (string, error) {
	h, err := hexOf(digest)
	if err != nil {
		return "", err
	}
	dir, err := s.TempDir("quarantine-" + h)
	if err != nil {
		return "", fmt.Errorf("quarantining %s: %w", digest, err)
	}
	dst := filepath.Join(dir, "object")
	if err := os.Rename(s.ObjectPath(digest), dst); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil
		}
		return "", fmt.Errorf("quarantining %s: %w", digest, err)
	}
	return dst, nil
}
