package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/mlpipe/pipeline/artifacts"
)

// ErrDamagedRecord is artifacts.ErrDamagedRecord, which GetAction wraps.
var ErrDamagedRecord = artifacts.ErrDamagedRecord

// ReplaceAction writes rec over a record proven damaged, conditionally: on
// S3 with If-Match on the damaged record's ETag, so a record another machine
// wrote meanwhile is never overwritten; elsewhere by deleting the damaged
// record and writing create-only. If the record found now is no longer
// damaged (another machine healed it), that record is returned and nothing
// is written. It returns the record that holds afterwards.
func (s *Store) ReplaceAction(ctx context.Context, rec *artifacts.ActionRecord) (*artifacts.ActionRecord, error) {
	if s.readOnly {
		return rec, nil
	}
	k, err := actionKey(rec.Key)
	if err != nil {
		return nil, fmt.Errorf("replacing record of stage %s: %w", rec.Key, err)
	}
	cur, err := s.GetAction(ctx, rec.Key)
	switch {
	case err == nil && cur != nil:
		return cur, nil // healed by someone else
	case err == nil:
		return s.PutAction(ctx, rec) // gone meanwhile
	case !errors.Is(err, ErrDamagedRecord):
		return nil, err
	}
	attrs, err := s.bucket.Attributes(ctx, k)
	if err != nil {
		return nil, fmt.Errorf("replacing damaged record %s: %w", k, err)
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, err
	}
	conditional := false
	opts := &blob.WriterOptions{ContentType: "application/json", BeforeWrite: func(as func(any) bool) error {
		var in *transfermanager.UploadObjectInput
		if attrs.ETag != "" && as(&in) {
			in.IfMatch = aws.String(attrs.ETag)
			conditional = true
		}
		return nil
	}}
	if s.isS3 {
		s.stats.puts.Add(1)
		err := s.bucket.WriteAll(ctx, k, b, opts)
		if err == nil && conditional {
			s.log.Warn().Str("key", k).Msg("replaced a damaged remote record with a verified one")
			return rec, nil
		}
		if err != nil && gcerrors.Code(err) == gcerrors.FailedPrecondition {
			return s.GetAction(ctx, rec.Key) // another machine replaced it first
		}
		if err != nil {
			return nil, fmt.Errorf("replacing damaged record %s: %w", k, err)
		}
	}
	// No conditional overwrite here: remove the damaged record, then write
	// create-only; of machines healing at once exactly one write wins.
	s.stats.deletes.Add(1)
	if err := s.bucket.Delete(ctx, k); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return nil, fmt.Errorf("removing damaged record %s: %w", k, err)
	}
	s.log.Warn().Str("key", k).Msg("replacing a damaged remote record with a verified one")
	return s.PutAction(ctx, rec)
}

// MissingActions returns which of keys have no record in the store, with one
// listing of the records (paged by the store) instead of a request per key.
func (s *Store) MissingActions(ctx context.Context, keys []string) ([]string, error) {
	want := map[string]string{}
	for _, key := range keys {
		k, err := actionKey(key)
		if err != nil {
			return nil, err
		}
		want[k] = key
	}
	if len(want) == 0 {
		return nil, nil
	}
	s.stats.gets.Add(1)
	it := s.bucket.List(&blob.ListOptions{Prefix: layoutVersion + "ac/"})
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("listing remote records: %w", err)
		}
		delete(want, obj.Key)
		if len(want) == 0 {
			return nil, nil
		}
	}
	var missing []string
	for _, key := range want {
		missing = append(missing, key)
	}
	return missing, nil
}

// damaged wraps a problem with a record's content as ErrDamagedRecord.
func damaged(k string, problem error) error {
	return fmt.Errorf("%w %s: %v", ErrDamagedRecord, k, problem)
}
