package remote

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"gocloud.dev/gcerrors"
)

// specKey is where the execution spec of a stage key lives in the bucket.
func specKey(key string) (string, error) {
	h, err := digestHex(key)
	if err != nil {
		return "", err
	}
	return layoutVersion + "specs/" + h + ".json", nil
}

// PutSpec stores what a machine needs to execute the stage with this key
// (see distributed.StageSpec) unless a spec for the key exists. Specs are small
// JSON documents holding digests only; any spec stored for a key describes
// the same computation, so the first one written stays.
func (s *Store) PutSpec(ctx context.Context, key string, spec []byte) error {
	if s.readOnly {
		return fmt.Errorf("storing the spec of stage %s: the remote store is read-only", key)
	}
	k, err := specKey(key)
	if err != nil {
		return fmt.Errorf("storing the spec of stage %s: %w", key, err)
	}
	s.stats.puts.Add(1)
	if _, err := s.create.create(ctx, k, func(w io.Writer) error {
		_, err := io.Copy(w, bytes.NewReader(spec))
		return err
	}); err != nil {
		// A conditional write that overlaps another may fail although a spec
		// now exists; that spec is as good as ours.
		if cur, gerr := s.GetSpec(ctx, key); gerr == nil && cur != nil {
			return nil
		}
		return fmt.Errorf("storing spec %s: %w", k, err)
	}
	s.stats.bytesUp.Add(int64(len(spec)))
	return nil
}

// GetSpec returns the spec stored for key, or nil when there is none.
func (s *Store) GetSpec(ctx context.Context, key string) ([]byte, error) {
	k, err := specKey(key)
	if err != nil {
		return nil, fmt.Errorf("looking up the spec of stage %s: %w", key, err)
	}
	s.stats.gets.Add(1)
	r, err := s.bucket.NewReader(ctx, k, nil)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading spec %s: %w", k, err)
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, maxRecordSize+1))
	s.stats.bytesDown.Add(int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("reading spec %s: %w", k, err)
	}
	if len(b) > maxRecordSize {
		return nil, fmt.Errorf("reading spec %s: larger than %d bytes", k, maxRecordSize)
	}
	return b, nil
}
