package artifacts

import (
	"os"
	"syscall"

	"github.com/zeebo/xxh3"
)

// mmapThreshold is the size above which files are hashed through mmap.
const mmapThreshold = 4 << 20

// mmapChunk bounds each mapping, so address space stays small for huge files.
const mmapChunk = 256 << 20

// hashMapped hashes a regular file through read-only mappings. ok is false
// when the file is small or cannot be mapped; the caller then reads it.
func hashMapped(f *os.File) (digest string, size int64, ok bool) {
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() || info.Size() < mmapThreshold {
		return "", 0, false
	}
	size = info.Size()
	h := xxh3.New()
	for off := int64(0); off < size; off += mmapChunk {
		n := size - off
		if n > mmapChunk {
			n = mmapChunk
		}
		b, err := syscall.Mmap(int(f.Fd()), off, int(n), syscall.PROT_READ, syscall.MAP_SHARED|syscall.MAP_POPULATE)
		if err != nil {
			return "", 0, false
		}
		_ = syscall.Madvise(b, syscall.MADV_SEQUENTIAL)
		_, _ = h.Write(b)
		if err := syscall.Munmap(b); err != nil {
			return "", 0, false
		}
	}
	return FormatDigest(h.Sum128()), size, true
}
