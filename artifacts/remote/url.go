package remote

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/s3blob" // registers s3:// URLs
)

// openBucket opens the bucket a URL names. For file:// URLs it also returns a
// creator that makes create-only writes atomic across processes (fileblob's
// own check is not); for the others create-only writes go through the driver.
func openBucket(ctx context.Context, raw string) (*blob.Bucket, creator, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, whose query may hold secrets
		}
		return nil, nil, fmt.Errorf("parsing the URL: %w", err)
	}
	if u.Scheme == "" {
		return nil, nil, fmt.Errorf("the URL has no scheme (want s3:// or file://)")
	}
	if u.Scheme == "file" {
		return openDir(u)
	}
	if u.Scheme != "s3" {
		return nil, nil, fmt.Errorf("%s:// stores are not built into this binary (it reads s3:// and file://; docs/remote-cache.md says how to add gs:// or azblob://)", u.Scheme)
	}
	cloudURL, err := rewriteCloudURL(u)
	if err != nil {
		return nil, nil, err
	}
	b, err := blob.OpenBucket(ctx, cloudURL)
	if err != nil {
		return nil, nil, err
	}
	return b, nil, nil
}

// openDir opens a directory as a bucket.
func openDir(u *url.URL) (*blob.Bucket, creator, error) {
	dir := filepath.FromSlash(u.Path)
	if u.Host != "" && u.Host != "localhost" {
		return nil, nil, fmt.Errorf("file URLs name a local directory (file:///abs/dir), not host %q", u.Host)
	}
	if dir == "" {
		return nil, nil, fmt.Errorf("the file URL names no directory")
	}
	prefix := strings.Trim(u.Query().Get("prefix"), "/")
	if prefix != "" {
		prefix += "/"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("creating the bucket directory: %w", err)
	}
	b, err := fileblob.OpenBucket(dir, &fileblob.Options{Metadata: fileblob.MetadataDontWrite})
	if err != nil {
		return nil, nil, err
	}
	if prefix != "" {
		b = blob.PrefixedBucket(b, prefix)
	}
	return b, &dirCreator{root: filepath.Join(dir, filepath.FromSlash(prefix))}, nil
}

// rewriteCloudURL turns the path of a cloud URL into gocloud's prefix
// parameter and, for s3, turns off the SDK's CRC32 checksums unless the URL
// sets them.
func rewriteCloudURL(u *url.URL) (string, error) {
	c := *u
	u = &c
	// A path after the bucket name is a key prefix (gocloud would ignore it).
	prefix := strings.Trim(u.Path, "/")
	u.Path = ""
	q := u.Query()
	if prefix != "" {
		if p := q.Get("prefix"); p != "" {
			return "", fmt.Errorf("both a path and a prefix parameter are given")
		}
		q.Set("prefix", prefix+"/")
	}
	if u.Scheme == "s3" {
		// Every object is verified end to end by its digest, so the SDK's
		// own CRCs only cost CPU (and trip some S3-compatible servers).
		for _, k := range []string{"request_checksum_calculation", "response_checksum_validation"} {
			if !q.Has(k) {
				q.Set(k, "when_required")
			}
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
