package remote

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"gocloud.dev/gcerrors"

	"github.com/mlpipe/pipeline/artifacts"
)

// probeConditional writes one fresh probe key twice with create-only writes
// and reports whether the second write was refused, as a store that honours
// If-None-Match must refuse it. The probe key is deleted afterwards.
func (s *Store) probeConditional(ctx context.Context) (bool, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return false, err
	}
	key := layoutVersion + "probe/" + hex.EncodeToString(b[:])
	body := []byte("create-only probe\n")
	write := func(w io.Writer) error { _, err := io.Copy(w, bytes.NewReader(body)); return err }
	first, err := s.create.create(ctx, key, write)
	s.stats.puts.Add(1)
	if err != nil {
		return false, fmt.Errorf("probing create-only writes: %w", err)
	}
	second, err := s.create.create(ctx, key, write)
	s.stats.puts.Add(1)
	s.stats.deletes.Add(1)
	if derr := s.bucket.Delete(ctx, key); derr != nil {
		s.log.Debug().Err(derr).Str("key", key).Msg("could not delete the probe key")
	}
	if err != nil {
		return false, fmt.Errorf("probing create-only writes: %w", err)
	}
	if !first {
		return false, fmt.Errorf("probing create-only writes: fresh key %s already exists", key)
	}
	return !second, nil
}

// probeAttempts bounds the probes tried when one fails: machines opening the
// store at the same moment can collide (S3-compatible servers backed by a
// file system answer 409 when one removes the probe folder another is
// writing into), and each attempt uses a fresh key.
const probeAttempts = 3

// checkConditional probes the store and, when it ignores create-only writes,
// records so and warns once.
func (s *Store) checkConditional(ctx context.Context, url string) error {
	var (
		ok  bool
		err error
	)
	for i := 0; i < probeAttempts; i++ {
		ok, err = s.probeConditional(ctx)
		if err == nil || errors.Is(err, fs.ErrPermission) || gcerrors.Code(err) == gcerrors.PermissionDenied || ctx.Err() != nil {
			break
		}
		s.log.Debug().Err(err).Int("attempt", i+1).Msg("probing the remote store failed; trying again")
	}
	if errors.Is(err, fs.ErrPermission) || gcerrors.Code(err) == gcerrors.PermissionDenied {
		s.readOnly = true
		s.log.Warn().Str("remote", artifacts.RedactURL(url)).Err(err).
			Msg("the remote cache is read-only for these credentials: hits are used, results are not uploaded")
		return nil
	}
	if err != nil {
		return err
	}
	if !ok {
		s.conditional = false
		s.log.Warn().Str("remote", artifacts.RedactURL(url)).
			Msg("the remote store does not honour create-only writes (If-None-Match: *); racing machines may overwrite each other's records")
	}
	return nil
}
