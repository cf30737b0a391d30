// Package remote is the shared second tier of the artifact store: a bucket on
// object storage (S3, GCS, Azure Blob or a local directory, through
// gocloud.dev/blob) that a team's machines read through and write through.
//
// Layout, under a version prefix so a future format can live beside this one:
//
//	v1/objects/<hex>    a file object, its bytes
//	v1/trees/<hex>      a directory object, as a deterministic uncompressed tar stream
//	v1/ac/<hex>.json    the action record of a stage key
//
// Every write is create-only. Objects are immutable and named by digest, so
// "already exists" is success. The action record is written last and is the
// commit point: a stage is cached remotely if and only if its record exists,
// and of two machines racing on one key exactly one record wins.
package remote

import (
	"context"
	"fmt"
	"strings"

	"github.com/rs/zerolog"
	"gocloud.dev/blob"

	"github.com/mlpipe/pipeline/artifacts"
)

// layoutVersion prefixes every key this package writes.
const layoutVersion = "v1/"

// Store is a remote cache opened from a URL. It implements the engine's
// RemoteStore interface and is safe for concurrent use.
type Store struct {
	bucket *blob.Bucket
	// create writes a key only if it is absent.
	create creator
	// conditional is false when the store was found to ignore create-only writes.
	conditional bool
	// readOnly is true when the credentials may read but not write: runs
	// still get hits, and nothing is uploaded.
	readOnly bool
	log      zerolog.Logger
	cfg      config
	stats    counters
	// isS3 is true for s3:// stores, whose writes can be conditional on an ETag.
	isS3 bool
}

// config holds what Options set.
type config struct {
	log         zerolog.Logger
	partSize    int
	concurrency int
	probe       bool
}

// Option configures Open.
type Option func(*config)

// WithLogger sets where warnings go (the default discards them).
func WithLogger(l zerolog.Logger) Option { return func(c *config) { c.log = l } }

// WithPartSize sets the size of each part of a multipart upload, in bytes
// (the driver's default when 0).
func WithPartSize(n int) Option { return func(c *config) { c.partSize = n } }

// WithConcurrency sets how many parts of one upload are sent at once (the
// driver's default when 0).
func WithConcurrency(n int) Option { return func(c *config) { c.concurrency = n } }

// WithoutProbe skips the check at Open that the store honours create-only
// writes; the store is then assumed to honour them.
func WithoutProbe() Option { return func(c *config) { c.probe = false } }

// Open opens the remote cache at url: s3://bucket/prefix?region=…&endpoint=…
// or file:///dir (other gocloud.dev schemes are not registered). A path after
// the bucket name becomes a key prefix. Credentials come from the usual
// environment variables of each cloud. Open writes and deletes one probe key
// to find out whether the store honours create-only writes, and warns once
// when it does not; when the credentials may not write, it warns once and the
// store is read-only (hits are still served).
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	cfg := config{log: zerolog.Nop(), probe: true}
	for _, o := range opts {
		o(&cfg)
	}
	bucket, create, err := openBucket(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("opening remote cache %s: %w", artifacts.RedactURL(url), err)
	}
	s := &Store{bucket: bucket, create: create, conditional: true, log: cfg.log, cfg: cfg, isS3: strings.HasPrefix(url, "s3://")}
	if s.create == nil {
		s.create = &bucketCreator{bucket: bucket, partSize: cfg.partSize, concurrency: cfg.concurrency}
	}
	if cfg.probe {
		if err := s.checkConditional(ctx, url); err != nil {
			bucket.Close()
			return nil, fmt.Errorf("opening remote cache %s: %w", artifacts.RedactURL(url), err)
		}
	}
	return s, nil
}

// Close releases the bucket.
func (s *Store) Close() error { return s.bucket.Close() }

// ReadOnly reports whether the probe at Open found that the credentials may
// not write; Push and PutAction then upload nothing.
func (s *Store) ReadOnly() bool { return s.readOnly }

// Conditional reports whether the store honours create-only writes (true when
// the probe at Open was skipped).
func (s *Store) Conditional() bool { return s.conditional }

// objectKey is where the object o lives in the bucket.
func objectKey(o artifacts.Tree) (string, error) {
	h, err := digestHex(o.Digest)
	if err != nil {
		return "", err
	}
	if o.Dir {
		return layoutVersion + "trees/" + h, nil
	}
	return layoutVersion + "objects/" + h, nil
}

// actionKey is where the record of a stage key lives in the bucket.
func actionKey(key string) (string, error) {
	h, err := digestHex(key)
	if err != nil {
		return "", err
	}
	return layoutVersion + "ac/" + h + ".json", nil
}

// digestHex returns the hexadecimal part of an algorithm-prefixed digest.
func digestHex(d string) (string, error) {
	i := strings.IndexByte(d, ':')
	h := d[i+1:]
	if i < 0 || len(h) < 4 {
		return "", fmt.Errorf("malformed digest %q", d)
	}
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return "", fmt.Errorf("malformed digest %q", d)
		}
	}
	return h, nil
}
