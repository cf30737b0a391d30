package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"gocloud.dev/gcerrors"

	"github.com/mlpipe/pipeline/artifacts"
)

// maxRecordSize bounds how much of a record is read; records are a few KB.
const maxRecordSize = 16 << 20

// GetAction returns the record for key, or nil when there is none. It costs
// one GET: no existence check comes before it.
func (s *Store) GetAction(ctx context.Context, key string) (*artifacts.ActionRecord, error) {
	k, err := actionKey(key)
	if err != nil {
		return nil, fmt.Errorf("looking up stage %s: %w", key, err)
	}
	s.stats.gets.Add(1)
	r, err := s.bucket.NewReader(ctx, k, nil)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading record %s: %w", k, err)
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, maxRecordSize+1))
	s.stats.bytesDown.Add(int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("reading record %s: %w", k, err)
	}
	if len(b) > maxRecordSize {
		return nil, fmt.Errorf("reading record %s: larger than %d bytes", k, maxRecordSize)
	}
	var rec artifacts.ActionRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, damaged(k, fmt.Errorf("it does not parse: %w", err))
	}
	if rec.Key != key {
		return nil, damaged(k, fmt.Errorf("it names key %s", rec.Key))
	}
	for port, o := range rec.Outputs {
		if _, err := objectKey(o.Tree); err != nil {
			return nil, damaged(k, fmt.Errorf("output %s: %w", port, err))
		}
	}
	return &rec, nil
}

// PutAction writes rec unless a record for its key exists, and returns the
// record that holds afterwards: rec when this write won, else the one written
// first. Every object rec names must have been pushed before; this write is
// the commit point. On a store that ignores create-only writes (see
// Conditional) an existing record is looked for first, which narrows the race
// but cannot close it. A read-only store (see ReadOnly) writes nothing and
// returns rec.
func (s *Store) PutAction(ctx context.Context, rec *artifacts.ActionRecord) (*artifacts.ActionRecord, error) {
	if s.readOnly {
		return rec, nil
	}
	k, err := actionKey(rec.Key)
	if err != nil {
		return nil, fmt.Errorf("recording stage %s: %w", rec.Key, err)
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding record %s: %w", k, err)
	}
	if !s.conditional {
		if cur, err := s.GetAction(ctx, rec.Key); err != nil || cur != nil {
			return cur, err
		}
	}
	s.stats.puts.Add(1)
	created, werr := s.create.create(ctx, k, func(w io.Writer) error {
		_, err := io.Copy(w, bytes.NewReader(b))
		return err
	})
	if werr == nil && created {
		s.stats.bytesUp.Add(int64(len(b)))
		return rec, nil
	}
	// Lost the race, or the write failed in a way that may hide a lost race
	// (S3 answers 409 to conditional writes that overlap): the record that
	// exists now is the answer.
	cur, err := s.GetAction(ctx, rec.Key)
	if err != nil {
		return nil, fmt.Errorf("reading the record that won %s: %w", k, err)
	}
	if cur == nil {
		if werr != nil {
			return nil, fmt.Errorf("recording stage %s: %w", rec.Key, werr)
		}
		return nil, fmt.Errorf("recording stage %s: the store refused the write but holds no record", rec.Key)
	}
	return cur, nil
}
