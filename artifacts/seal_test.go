package artifacts

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// bigObject publishes a sparse file of size bytes (no disk used) and
// returns it with a seal old enough to be trusted.
func bigObject(tb testing.TB, size int64) (*Store, Output) {
	tb.Helper()
	s := NewStore(tb.TempDir())
	if err := s.Init(); err != nil {
		tb.Fatal(err)
	}
	src := filepath.Join(s.Root, "tmp", "big")
	f, err := os.Create(src)
	if err != nil {
		tb.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	t, err := s.Publish(src, nil)
	if err != nil {
		tb.Fatal(err)
	}
	seal, err := s.SealObject(t.Digest)
	if err != nil {
		tb.Fatal(err)
	}
	seal.SealedNS += int64(time.Second) // as if sealed a second after its last change
	return s, Output{Tree: t, Seal: seal}
}

// Proving an unchanged object reads none of it, whatever its size
// (BenchmarkProve1GiB times it on 1 GiB).
func TestProvingASealedObjectReadsNothing(t *testing.T) {
	const size = 64 << 20
	s, o := bigObject(t, size)
	before := BytesHashed()
	if _, record, err := s.Prove(o); err != nil || record {
		t.Fatalf("record=%v err=%v", record, err)
	}
	if n := BytesHashed() - before; n != 0 {
		t.Errorf("proving a sealed object read %d bytes", n)
	}
	o.Seal = nil
	if _, _, err := s.Prove(o); err != nil {
		t.Fatal(err)
	}
	if n := BytesHashed() - before; n != size {
		t.Errorf("proving it without a seal read %d bytes, want all of it", n)
	}
}

// BenchmarkProve1GiB compares proving a 1 GiB object by its seal (a stat)
// with proving it by hashing.
func BenchmarkProve1GiB(b *testing.B) {
	s, o := bigObject(b, 1<<30)
	b.Run("sealed", func(b *testing.B) {
		for range b.N {
			if _, _, err := s.Prove(o); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hashed", func(b *testing.B) {
		u := o
		u.Seal = nil
		for range b.N {
			if _, _, err := s.Prove(u); err != nil {
				b.Fatal(err)
			}
		}
	})
}
