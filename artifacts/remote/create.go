package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// creator writes a key only if it is absent. write streams the content; when
// it fails the write is abandoned and nothing becomes visible. created is
// false when the key already existed (and nothing was changed).
type creator interface {
	create(ctx context.Context, key string, write func(io.Writer) error) (created bool, err error)
}

// bucketCreator makes create-only writes through the driver: If-None-Match: *
// on S3, an if-generation-match of 0 on GCS, and so on.
type bucketCreator struct {
	bucket      *blob.Bucket
	partSize    int
	concurrency int
}

// createAttempts bounds the tries of a create-only write that the server
// failed: S3-compatible servers backed by a file system answer 409 when a
// folder on the key's path is being removed as another key is deleted.
// Retrying is safe because every write is create-only and streams its
// content afresh; a try that did land shows up as "already exists".
const createAttempts = 3

func (c *bucketCreator) create(ctx context.Context, key string, write func(io.Writer) error) (bool, error) {
	var (
		created bool
		err     error
	)
	for i := 0; i < createAttempts; i++ {
		var serverErr bool
		created, serverErr, err = c.createOnce(ctx, key, write)
		if err == nil || !serverErr || ctx.Err() != nil || gcerrors.Code(err) == gcerrors.PermissionDenied {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(i+1) * 50 * time.Millisecond): // a moment for the server's folder removal to end
		}
	}
	return created, err
}

// createOnce tries one create-only write; serverErr says whether a failure
// came from the store rather than from write.
func (c *bucketCreator) createOnce(ctx context.Context, key string, write func(io.Writer) error) (created, serverErr bool, err error) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := c.bucket.NewWriter(wctx, key, &blob.WriterOptions{
		ContentType:    "application/octet-stream",
		IfNotExist:     true,
		BufferSize:     c.partSize,
		MaxConcurrency: c.concurrency,
	})
	if err != nil {
		return false, true, fmt.Errorf("writing %s: %w", key, err)
	}
	if err := write(w); err != nil {
		cancel() // abandons the upload: Close must not commit a partial object
		_ = w.Close()
		return false, false, err
	}
	if err := w.Close(); err != nil {
		if gcerrors.Code(err) == gcerrors.FailedPrecondition {
			return false, false, nil
		}
		return false, true, fmt.Errorf("writing %s: %w", key, err)
	}
	return true, false, nil
}

// dirCreator makes create-only writes in a local directory atomic across
// processes: the content goes to a temporary file beside the key, which is
// then hard-linked to the key's name. link(2) fails when the name exists, so
// exactly one writer wins, and readers never see a partial file.
type dirCreator struct {
	root string
}

func (c *dirCreator) create(ctx context.Context, key string, write func(io.Writer) error) (bool, error) {
	dst := filepath.Join(c.root, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return false, fmt.Errorf("writing %s: %w", key, err)
	}
	f, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
	if err != nil {
		return false, fmt.Errorf("writing %s: %w", key, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := write(f); err != nil {
		f.Close()
		return false, err
	}
	if err := f.Close(); err != nil {
		return false, fmt.Errorf("writing %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if err := os.Link(tmp, dst); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		return false, fmt.Errorf("writing %s: %w", key, err)
	}
	return true, nil
}
