package remote

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"gocloud.dev/blob/memblob"
)

// flakyCreator fails its first n creates, as a server does when machines
// opening the store at the same moment collide.
type flakyCreator struct {
	inner creator
	n     int
}

func (f *flakyCreator) create(ctx context.Context, key string, write func(io.Writer) error) (bool, error) {
	if f.n > 0 {
		f.n--
		return false, errors.New("409 ExistingObjectIsDirectory")
	}
	return f.inner.create(ctx, key, write)
}

func TestProbeTriesAgainAfterACollision(t *testing.T) {
	for _, tc := range []struct {
		failures int
		wantErr  bool
	}{{0, false}, {2, false}, {probeAttempts, true}} {
		bucket := memblob.OpenBucket(nil)
		defer bucket.Close()
		s := &Store{bucket: bucket, create: &flakyCreator{inner: &bucketCreator{bucket: bucket}, n: tc.failures}, conditional: true, log: zerolog.Nop()}
		err := s.checkConditional(context.Background(), "mem://")
		if tc.wantErr {
			if err == nil || !strings.Contains(err.Error(), "409") {
				t.Errorf("%d failures: err = %v", tc.failures, err)
			}
			continue
		}
		if err != nil || !s.Conditional() || s.ReadOnly() {
			t.Errorf("%d failures: err %v, conditional %v, read-only %v", tc.failures, err, s.Conditional(), s.ReadOnly())
		}
	}
}
