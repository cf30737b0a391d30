//go:build xla && linux && cgo

package backend

/*
#include <malloc.h>
#include <stdlib.h>

// keepXLAMemory makes glibc's allocator keep and reuse the memory XLA's CPU
// client frees after each step instead of returning it to the kernel. It runs
// when the program is loaded, before any thread exists: glibc gives a thread
// its arena at the thread's first malloc. Other C libraries are left alone.
__attribute__((constructor)) static void keepXLAMemory(void) {
#ifdef __GLIBC__
	mallopt(M_ARENA_MAX, 1);
	mallopt(M_MMAP_MAX, 0);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

// mappedBlocksFor reports how many more blocks glibc holds as their own
// mappings while n bytes are allocated, or -1 where it cannot tell.
static int mappedBlocksFor(size_t n) {
#ifdef __GLIBC__
#if __GLIBC_PREREQ(2, 33)
	int before = mallinfo2().hblks;
	void *volatile p = malloc(n); // volatile: the compiler may not drop the pair
	int during = mallinfo2().hblks;
	free(p);
	return during - before;
#endif
#endif
	return -1;
}

static void releaseFreeMemory(void) {
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}
*/
import "C"

// XLA's CPU client allocates each execution's temporary buffer (160 MB for
// the benchmark's mid LM) with malloc and frees it when the step ends. glibc
// serves a block that large with a fresh mmap, so every step faulted in and
// zeroed every page again: a fifth of the CPU time went to the kernel.
// keepXLAMemory (above, run at load time) serves large blocks from the main
// heap, one arena for every thread (a thread arena's heap cannot hold them
// and would map them anyway), and does not trim it below 1 GiB, so the next
// step reuses the same pages. Go's own allocator does not use malloc: only C
// code (XLA) is affected.

// ReleaseFreeMemory hands the pages free in C's heap back to the kernel. A
// stage calls it once its graph is compiled: the compiler's scratch is not
// needed again, and the heap is not trimmed by itself.
func ReleaseFreeMemory() { C.releaseFreeMemory() }

// mappedBlocksFor reports how many blocks of their own glibc maps for one
// allocation of n bytes (0 when the heap serves it; -1 with another C
// library, or a glibc older than 2.33, where it cannot tell).
func mappedBlocksFor(n int) int { return int(C.mappedBlocksFor(C.size_t(n))) }
