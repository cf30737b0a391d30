package remote

import (
	"archive/tar"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/mlpipe/pipeline/artifacts"
)

// epoch is the modification time of every tar member, so that a tree's tar
// stream depends on its content alone.
var epoch = time.Unix(0, 0).UTC()

// member is one file, directory or symlink of a local tree.
type member struct {
	rel, abs string
	// typ is the artifacts.Entry type: "f", "x", "d" or "l".
	typ    string
	target string
	size   int64
}

// listTree lists the members under root sorted by slash-separated path.
func listTree(root string) ([]member, error) {
	var ms []member
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
		m := member{rel: filepath.ToSlash(rel), abs: p}
		switch {
		case d.IsDir():
			m.typ = "d"
		case d.Type()&fs.ModeSymlink != 0:
			m.typ = "l"
			if m.target, err = os.Readlink(p); err != nil {
				return fmt.Errorf("reading link %s: %w", p, err)
			}
		case d.Type().IsRegular():
			info, err := d.Info()
			if err != nil {
				return fmt.Errorf("stat %s: %w", p, err)
			}
			m.typ, m.size = "f", info.Size()
			if info.Mode()&0o111 != 0 {
				m.typ = "x"
			}
		default:
			return fmt.Errorf("%s: unsupported file type %s", p, d.Type())
		}
		ms = append(ms, m)
		return nil
	})
	sort.Slice(ms, func(i, j int) bool { return ms[i].rel < ms[j].rel })
	return ms, err
}

// header is the fixed tar header of a member: no owners, a fixed time, and
// modes that follow from the member's type alone.
func header(m member) *tar.Header {
	h := &tar.Header{Name: m.rel, ModTime: epoch, Format: tar.FormatPAX}
	switch m.typ {
	case "d":
		h.Typeflag, h.Name, h.Mode = tar.TypeDir, m.rel+"/", 0o755
	case "l":
		h.Typeflag, h.Linkname, h.Mode = tar.TypeSymlink, m.target, 0o777
	case "x":
		h.Typeflag, h.Size, h.Mode = tar.TypeReg, m.size, 0o755
	default:
		h.Typeflag, h.Size, h.Mode = tar.TypeReg, m.size, 0o644
	}
	return h
}

// writeTree streams the directory root as a deterministic uncompressed tar
// into w, hashing every file as it is read, and returns the tree it hashed so
// the caller can refuse to commit an upload of a damaged local object.
func writeTree(w io.Writer, root string) (artifacts.Tree, error) {
	ms, err := listTree(root)
	if err != nil {
		return artifacts.Tree{}, err
	}
	tw := tar.NewWriter(w)
	entries := make([]artifacts.Entry, 0, len(ms))
	for _, m := range ms {
		if err := tw.WriteHeader(header(m)); err != nil {
			return artifacts.Tree{}, fmt.Errorf("writing tar header of %s: %w", m.rel, err)
		}
		e := artifacts.Entry{Path: m.rel, Type: m.typ, Digest: m.target}
		if m.typ == "f" || m.typ == "x" {
			f, err := os.Open(m.abs)
			if err != nil {
				return artifacts.Tree{}, fmt.Errorf("uploading %s: %w", m.abs, err)
			}
			d, n, err := hashCopy(tw, f)
			f.Close()
			if err != nil {
				return artifacts.Tree{}, fmt.Errorf("uploading %s: %w", m.abs, err)
			}
			e.Digest, e.Size = d, n
		}
		entries = append(entries, e)
	}
	if err := tw.Close(); err != nil {
		return artifacts.Tree{}, fmt.Errorf("finishing the tar stream of %s: %w", root, err)
	}
	return artifacts.TreeDigest(entries), nil
}
