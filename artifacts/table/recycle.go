package table

import (
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// maxRecycled is the most released buffers a recycler keeps.
const maxRecycled = 4

// recycler is the memory.Allocator behind the string data of batches read
// with Reader.RecycleBatches: a buffer comes back to it when every array
// using it has been released, and a later batch of the reader reuses it,
// so that reading does not keep drawing fresh memory (whose page faults
// cost as much as the copying). It is safe for concurrent use: batches may
// be released on other goroutines.
type recycler struct {
	mu     sync.Mutex
	free   [][]byte
	reused int // buffers handed out again
}

// get returns a buffer of length 0 and capacity at least n, a released one
// when one is large enough.
func (a *recycler) get(n int) []byte {
	a.mu.Lock()
	best := -1
	for i, b := range a.free {
		if cap(b) >= n && (best < 0 || cap(b) < cap(a.free[best])) {
			best = i
		}
	}
	if best >= 0 {
		b := a.free[best]
		last := len(a.free) - 1
		a.free[best], a.free[last] = a.free[last], nil
		a.free = a.free[:last]
		a.reused++
		a.mu.Unlock()
		return b[:0]
	}
	a.mu.Unlock()
	return uninitialized(n)
}

// Allocate implements memory.Allocator.
func (a *recycler) Allocate(n int) []byte { return a.get(n)[:n] }

// Reallocate implements memory.Allocator.
func (a *recycler) Reallocate(n int, b []byte) []byte {
	if n <= cap(b) {
		return b[:n]
	}
	out := append(a.get(n), b...)[:n]
	a.Free(b)
	return out
}

// Free implements memory.Allocator: b may be handed out again.
func (a *recycler) Free(b []byte) {
	if cap(b) == 0 {
		return
	}
	a.mu.Lock()
	if len(a.free) < maxRecycled {
		a.free = append(a.free, b[:0])
	}
	a.mu.Unlock()
}

// pageOwner gives a whole page buffer back to its recycler once every
// batch array holding part of it (a run of a page's values) has been
// released and the page cursor has moved past it: each such array's
// buffer frees through it once, and the cursor once.
type pageOwner struct {
	rec  *recycler
	page []byte
	refs atomic.Int32 // arrays holding part of page, and the cursor
}

// Allocate implements memory.Allocator; a page owner only frees.
func (o *pageOwner) Allocate(n int) []byte { return o.rec.Allocate(n) }

// Reallocate implements memory.Allocator.
func (o *pageOwner) Reallocate(n int, b []byte) []byte { return o.rec.Reallocate(n, b) }

// Free implements memory.Allocator: the last array's release recycles the
// page, not just the part of it the array held.
func (o *pageOwner) Free([]byte) {
	if o.refs.Add(-1) == 0 {
		o.rec.Free(o.page)
	}
}

// uninitialized returns a byte slice of length 0 and capacity n (n > 0)
// whose memory is not zeroed first, as strings.Builder allocates it. Its
// bytes are garbage until written; every caller writes before it reads.
func uninitialized(n int) []byte {
	if n <= 0 {
		return nil
	}
	var sb strings.Builder
	sb.Grow(n)
	sb.WriteByte(0)
	s := sb.String()
	return unsafe.Slice(unsafe.StringData(s), n)[:0]
}

// grow returns b with room for n more bytes: b itself when it has it, else
// a copy in a larger buffer from get (or from uninitialized, without a
// recycler). The old buffer goes back to the recycler.
func grow(b []byte, n int, a *recycler) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	size := max(len(b)+n, 2*cap(b))
	var nb []byte
	if a != nil {
		nb = append(a.get(size), b...)
		a.Free(b)
	} else {
		nb = append(uninitialized(size), b...)
	}
	return nb
}
