package remote

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mlpipe/pipeline/artifacts"
)

// Fetch downloads the object o into the local store. The bytes stream into a
// temporary file or directory inside the store's tmp/ folder and are hashed on
// the way; when the result is not o (a corrupt or truncated remote object)
// nothing is kept and an error is returned, so the stage runs instead. A good
// object is published through Store.Publish without hashing it again.
func (s *Store) Fetch(ctx context.Context, o artifacts.Output, local *artifacts.Store) error {
	key, err := objectKey(o.Tree)
	if err != nil {
		return fmt.Errorf("fetching object: %w", err)
	}
	s.stats.gets.Add(1)
	r, err := s.bucket.NewReader(ctx, key, nil)
	if err != nil {
		return fmt.Errorf("fetching %s: %w", key, err)
	}
	defer r.Close()
	tmp, err := local.TempDir("remote")
	if err != nil {
		return fmt.Errorf("fetching %s: %w", key, err)
	}
	defer artifacts.RemoveAll(tmp)
	dst := filepath.Join(tmp, "object")
	cr := &countingReader{r: r}
	var got artifacts.Tree
	if o.Dir {
		got, err = readTree(cr, dst)
	} else {
		got, err = readFile(cr, dst)
	}
	s.stats.bytesDown.Add(cr.n)
	if err != nil {
		if cr.err == nil && ctx.Err() == nil {
			// The bytes arrived intact but do not form the object.
			s.quarantine(ctx, key)
		}
		return fmt.Errorf("fetching %s: %w", key, err)
	}
	if err := checkTree(o.Tree, got); err != nil {
		s.quarantine(ctx, key)
		return fmt.Errorf("refusing remote object %s: %w", key, err)
	}
	if _, err := local.Publish(dst, func(string) (artifacts.Tree, error) { return got, nil }); err != nil {
		return fmt.Errorf("storing %s locally: %w", key, err)
	}
	return nil
}

// quarantine deletes a remote object whose content does not match its name,
// so that the next machine to produce it uploads it afresh instead of finding
// the damaged copy "already there". Records are never deleted.
func (s *Store) quarantine(ctx context.Context, key string) {
	s.stats.deletes.Add(1)
	if err := s.bucket.Delete(ctx, key); err != nil {
		s.log.Warn().Err(err).Str("key", key).Msg("could not delete a corrupt remote object")
		return
	}
	s.log.Warn().Str("key", key).Msg("deleted a corrupt remote object; the stage that made it will upload it again")
}

// readFile streams r into the new file dst and returns what it hashed.
func readFile(r io.Reader, dst string) (artifacts.Tree, error) {
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return artifacts.Tree{}, err
	}
	d, n, err := hashCopy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return artifacts.Tree{}, fmt.Errorf("writing %s: %w", dst, err)
	}
	return artifacts.Tree{Digest: d, Size: n, Files: 1}, nil
}

// countingReader counts the bytes read through it and keeps the first error
// the source reported, which tells a failed transfer from a damaged object.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += int64(k)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return k, err
}
