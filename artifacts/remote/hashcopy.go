package remote

import (
	"io"
	"sync"

	"github.com/zeebo/xxh3"

	"github.com/mlpipe/pipeline/artifacts"
)

// copyBufSize is the chunk size of streaming copies: large enough that the
// hash and the network stay near their own speed.
const copyBufSize = 1 << 20

var bufPool = sync.Pool{New: func() any { b := make([]byte, copyBufSize); return &b }}

// hashCopy copies src to dst, hashing the bytes on the way, and returns their
// digest and count.
func hashCopy(dst io.Writer, src io.Reader) (string, int64, error) {
	h := xxh3.New()
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	var n int64
	for {
		k, rerr := src.Read(buf)
		if k > 0 {
			h.Write(buf[:k])
			if _, err := dst.Write(buf[:k]); err != nil {
				return "", n, err
			}
			n += int64(k)
		}
		if rerr == io.EOF {
			return artifacts.FormatDigest(h.Sum128()), n, nil
		}
		if rerr != nil {
			return "", n, rerr
		}
	}
}
