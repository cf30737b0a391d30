package scancorpus

import (
	"bytes"
	"testing"
)

func TestSourceLike(t *testing.T) {
	a, n := SourceLike(NewFake(1), 1<<16, 100)
	b, _ := SourceLike(NewFake(1), 1<<16, 100)
	if !bytes.Equal(a, b) || len(a) < 1<<16 || n == 0 {
		t.Fatalf("SourceLike: %d bytes, %d secrets, deterministic %v", len(a), n, bytes.Equal(a, b))
	}
	if bytes.Contains(a, []byte("%!")) {
		t.Fatalf("bad formatting in %q", a[:200])
	}
}
