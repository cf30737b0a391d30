//go:build xla && linux && cgo

package backend

import "testing"

// TestXLALargeBlocksComeFromTheHeap checks that a block as large as an XLA
// step's temporary buffer is served from the heap, which keeps its pages
// between steps, rather than mapped and unmapped each time.
func TestXLALargeBlocksComeFromTheHeap(t *testing.T) {
	n := mappedBlocksFor(256 << 20)
	if n < 0 {
		t.Skip("not glibc 2.33 or later: the allocator is not tuned, or its mapped blocks cannot be counted")
	}
	if n != 0 {
		t.Fatalf("a 256 MiB allocation was mapped on its own (%d blocks): the allocator settings did not take effect", n)
	}
	ReleaseFreeMemory()
}
