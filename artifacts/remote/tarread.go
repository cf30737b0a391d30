package remote

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
)

// readTree unpacks a tar stream written by writeTree into the new directory
// dst, hashing every file as it is written, and returns the tree it hashed.
// It refuses members that could land outside dst: absolute or unclean paths,
// "..", duplicates, and members below anything but a directory of the stream.
func readTree(r io.Reader, dst string) (artifacts.Tree, error) {
	if err := os.Mkdir(dst, 0o755); err != nil {
		return artifacts.Tree{}, fmt.Errorf("unpacking a tree: %w", err)
	}
	dirs := map[string]bool{".": true}
	seen := map[string]bool{}
	var entries []artifacts.Entry
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return artifacts.Tree{}, fmt.Errorf("reading the tar stream: %w", err)
		}
		name := strings.TrimSuffix(h.Name, "/")
		if name == "" || path.IsAbs(name) || path.Clean(name) != name || name == ".." || strings.HasPrefix(name, "../") {
			return artifacts.Tree{}, fmt.Errorf("tar member %q: not a clean relative path", h.Name)
		}
		if seen[name] {
			return artifacts.Tree{}, fmt.Errorf("tar member %q appears twice", h.Name)
		}
		seen[name] = true
		if !dirs[path.Dir(name)] {
			return artifacts.Tree{}, fmt.Errorf("tar member %q: its parent is not a directory of the tree", h.Name)
		}
		p := filepath.Join(dst, filepath.FromSlash(name))
		e := artifacts.Entry{Path: name}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.Mkdir(p, 0o755); err != nil {
				return artifacts.Tree{}, fmt.Errorf("unpacking %s: %w", name, err)
			}
			dirs[name] = true
			e.Type = "d"
		case tar.TypeSymlink:
			if err := os.Symlink(h.Linkname, p); err != nil {
				return artifacts.Tree{}, fmt.Errorf("unpacking %s: %w", name, err)
			}
			e.Type, e.Digest = "l", h.Linkname
		case tar.TypeReg:
			mode, typ := os.FileMode(0o644), "f"
			if h.Mode&0o111 != 0 {
				mode, typ = 0o755, "x"
			}
			f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
			if err != nil {
				return artifacts.Tree{}, fmt.Errorf("unpacking %s: %w", name, err)
			}
			d, n, err := hashCopy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return artifacts.Tree{}, fmt.Errorf("unpacking %s: %w", name, err)
			}
			e.Type, e.Digest, e.Size = typ, d, n
		default:
			return artifacts.Tree{}, fmt.Errorf("tar member %q: unsupported type %q", h.Name, h.Typeflag)
		}
		entries = append(entries, e)
	}
	return artifacts.TreeDigest(entries), nil
}
