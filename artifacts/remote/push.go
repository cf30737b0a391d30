package remote

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/mlpipe/pipeline/artifacts"
)

// Push uploads the local object o unless the remote already has it (one
// existence check, then a create-only write; losing that write to another
// machine uploading the same digest counts as success). The local bytes are
// hashed while they stream, and an upload whose content is not o is abandoned
// before it completes, so a damaged local object never reaches the remote.
// A read-only store (see ReadOnly) uploads nothing.
func (s *Store) Push(ctx context.Context, o artifacts.Output, local *artifacts.Store) error {
	return s.PushPath(ctx, local.ObjectPath(o.Digest), o.Tree)
}

// PushPath uploads the file or directory at src as the object t unless the
// remote already has it, exactly as Push does for a store object: it serves
// to upload a project's source files, which live outside any store.
func (s *Store) PushPath(ctx context.Context, src string, t artifacts.Tree) error {
	if s.readOnly {
		return nil
	}
	key, err := objectKey(t)
	if err != nil {
		return fmt.Errorf("pushing object: %w", err)
	}
	s.stats.heads.Add(1)
	ok, err := s.bucket.Exists(ctx, key)
	if err != nil {
		return fmt.Errorf("checking %s: %w", key, err)
	}
	if ok {
		return nil
	}
	cw := &countingWriter{}
	s.stats.puts.Add(1)
	_, err = s.create.create(ctx, key, func(w io.Writer) error {
		cw.w = w
		var got artifacts.Tree
		var err error
		if t.Dir {
			got, err = writeTree(cw, src)
		} else {
			got, err = writeFile(cw, src)
		}
		if err != nil {
			return err
		}
		if err := checkTree(t, got); err != nil {
			return fmt.Errorf("local object %s: %w", src, err)
		}
		return nil
	})
	s.stats.bytesUp.Add(cw.n)
	if err != nil {
		return fmt.Errorf("pushing %s: %w", key, err)
	}
	return nil
}

// writeFile streams the file src into w and returns what it hashed.
func writeFile(w io.Writer, src string) (artifacts.Tree, error) {
	f, err := os.Open(src)
	if err != nil {
		return artifacts.Tree{}, err
	}
	defer f.Close()
	d, n, err := hashCopy(w, f)
	if err != nil {
		return artifacts.Tree{}, fmt.Errorf("uploading %s: %w", src, err)
	}
	return artifacts.Tree{Digest: d, Size: n, Files: 1}, nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	k, err := c.w.Write(p)
	c.n += int64(k)
	return k, err
}
