package artifacts

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// NormalizeOutput makes a finished stage output safe to publish, before it
// is hashed and made read-only:
//   - a regular file with other hard links (a user's file linked into the
//     output) is replaced by a private copy, so publishing never changes the
//     user's file nor ties the object to it;
//   - a symlink whose target stays inside the output tree is kept, rewritten
//     as a relative link;
//   - a symlink that leaves the tree (or the output itself being a link) is
//     an error naming it.
func NormalizeOutput(root string) error {
	info, err := os.Lstat(root)
	if err != nil {
		return err
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(root)
		return fmt.Errorf("the output is a symbolic link (to %s), not a file or directory; copy the file there instead", target)
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			return keepInsideLink(root, p)
		case d.Type().IsRegular():
			info, err := d.Info()
			if err != nil {
				return err
			}
			if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
				return copyInPlace(p, info.Mode().Perm())
			}
		}
		return nil
	})
}

// keepInsideLink rewrites the symlink at p as a relative link when its
// target lies inside root, and fails otherwise.
func keepInsideLink(root, p string) error {
	target, err := os.Readlink(p)
	if err != nil {
		return fmt.Errorf("reading link %s: %w", p, err)
	}
	abs := target
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(filepath.Dir(p), target)
	}
	abs = filepath.Clean(abs)
	rel, _ := filepath.Rel(root, p)
	if abs != root && !strings.HasPrefix(abs, root+string(filepath.Separator)) {
		return fmt.Errorf("%s is a symbolic link to %s, outside the output; outputs may link only inside themselves", filepath.ToSlash(rel), target)
	}
	relTarget, err := filepath.Rel(filepath.Dir(p), abs)
	if err != nil {
		return err
	}
	if relTarget == target {
		return nil
	}
	tmp := p + ".relink"
	if err := os.Symlink(relTarget, tmp); err != nil {
		return fmt.Errorf("rewriting link %s: %w", rel, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("rewriting link %s: %w", rel, err)
	}
	return nil
}

// copyInPlace replaces the file at p by a copy of itself with its own inode.
func copyInPlace(p string, perm fs.FileMode) error {
	tmp := p + ".copy"
	if err := CopyFile(p, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("copying hard-linked output %s: %w", p, err)
	}
	if err := os.Chmod(tmp, perm); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("copying hard-linked output %s: %w", p, err)
	}
	return nil
}

// CopyLinkTargets replaces every symlink in the output at root by a copy
// of what it points to, for stages that ask to follow links.
func CopyLinkTargets(root string) error {
	var links []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			links = append(links, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, l := range links {
		tmp := l + ".follow"
		if err := copyFollowing(l, tmp, 0); err != nil {
			_ = RemoveAll(tmp)
			return fmt.Errorf("following link %s: %w", l, err)
		}
		if err := os.Remove(l); err != nil {
			return err
		}
		if err := os.Rename(tmp, l); err != nil {
			return err
		}
	}
	return nil
}

// maxFollowDepth bounds the directory depth copied when following links
// (a link to one of its own ancestors would otherwise never end).
const maxFollowDepth = 64

// copyFollowing copies the file or tree at src to the new path dst,
// following every link on the way.
func copyFollowing(src, dst string, depth int) error {
	if depth > maxFollowDepth {
		return fmt.Errorf("more than %d nested directories (a link loop?) at %s", maxFollowDepth, src)
	}
	info, err := os.Stat(src)
	if err != nil {
		return err
	}
	if info.Mode().IsRegular() {
		return CopyFile(src, dst)
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is neither a file nor a directory", src)
	}
	if err := os.Mkdir(dst, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := copyFollowing(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()), depth+1); err != nil {
			return err
		}
	}
	return nil
}

// CopyFile copies the regular file from to a new file to (which must not
// exist), keeping its permission bits (plus the owner's write bit).
func CopyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	info, err := src.Stat()
	if err != nil {
		return err
	}
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, info.Mode().Perm()|0o200)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
