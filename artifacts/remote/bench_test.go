package remote

import (
	"context"
	"crypto/rand"
	"fmt"
	"testing"

	"github.com/mlpipe/pipeline/artifacts"
)

// BenchmarkPushFetch measures pushing an object to a file:// remote and
// fetching it into a fresh local store: the cache's own overhead (hashing,
// tar, publishing) without a network.
func BenchmarkPushFetch(b *testing.B) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		files int
		size  int
	}{{"file-32MiB", 0, 32 << 20}, {"tree-256x128KiB", 256, 128 << 10}} {
		b.Run(tc.name, func(b *testing.B) {
			src := newLocal(b)
			var specs []fileSpec
			payload := make([]byte, tc.size)
			rand.Read(payload)
			if tc.files == 0 {
				specs = []fileSpec{{path: "", content: string(payload)}}
			}
			for i := range tc.files {
				payload[0] = byte(i)
				payload[1] = byte(i >> 8)
				specs = append(specs, fileSpec{path: fmt.Sprintf("d%d/f%d", i%8, i), content: string(payload)})
			}
			o := build(b, src, specs)
			b.SetBytes(o.Size)
			b.ResetTimer()
			for b.Loop() {
				remote, err := Open(ctx, fileURL(b.TempDir()), WithoutProbe())
				if err != nil {
					b.Fatal(err)
				}
				dst := newLocal(b)
				if err := remote.Push(ctx, o, src); err != nil {
					b.Fatal(err)
				}
				if err := remote.Fetch(ctx, o, dst); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				artifacts.RemoveAll(dst.Root)
				remote.Close()
				b.StartTimer()
			}
		})
	}
}
