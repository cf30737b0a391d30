package table

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/pierrec/lz4/v4"
)

// Two gaps in arrow-go's codecs, filled in its codec registry when the
// package loads:
//
//   - a V2 data page whose values section is empty (a page of nulls only)
//     stores zero compressed bytes, which no codec decodes (snappy wants a
//     length byte, zstd a frame), so arrow-go fails on it; every codec is
//     wrapped so that zero bytes decode to zero bytes where zero are
//     expected;
//   - the deprecated LZ4 codec is not registered at all. Writers stored it
//     in two ways: Hadoop's framing (blocks each preceded by big-endian
//     32-bit uncompressed and compressed sizes) and a bare LZ4 block; the
//     codec reads both, as the specification advises, and writes Hadoop's
//     framing (this package never writes LZ4).
func init() {
	// ZSTD is this package's own codec (zstd.go), wrapped where it is registered.
	for _, c := range []compress.Compression{compress.Codecs.Snappy, compress.Codecs.Gzip, compress.Codecs.Brotli,
		compress.Codecs.Lz4Raw} {
		codec, err := compress.GetCodec(c)
		if err != nil {
			continue
		}
		if s, ok := codec.(compress.StreamingCodec); ok {
			compress.RegisterCodec(c, emptyStreaming{emptyBlocks{codec}, s})
		} else {
			compress.RegisterCodec(c, emptyBlocks{codec})
		}
	}
	compress.RegisterCodec(compress.Codecs.Lz4, emptyBlocks{legacyLZ4{}})
}

// emptyBlocks is a codec that decodes an empty block to an empty block
// where the decoded size is zero, and otherwise is the codec it wraps.
type emptyBlocks struct{ compress.Codec }

// DecodeWithError decodes src into dst (of the decoded size).
func (e emptyBlocks) DecodeWithError(dst, src []byte) ([]byte, error) {
	if len(src) == 0 && len(dst) == 0 {
		return dst, nil
	}
	return compress.Decode(e.Codec, dst, src)
}

// Decode is DecodeWithError, panicking on an error as compress.Codec's
// Decode does.
func (e emptyBlocks) Decode(dst, src []byte) []byte {
	out, err := e.DecodeWithError(dst, src)
	if err != nil {
		panic(err)
	}
	return out
}

// emptyStreaming is emptyBlocks for a codec that also streams.
type emptyStreaming struct {
	emptyBlocks
	compress.StreamingCodec
}

// legacyLZ4 is Parquet's deprecated LZ4 codec.
type legacyLZ4 struct{}

// errLZ4 is the error for LZ4 data that is neither Hadoop-framed nor a
// bare block of the page's size.
var errLZ4 = errors.New("corrupt LZ4 (neither Hadoop-framed nor a bare block)")

// DecodeWithError decodes src, Hadoop-framed or a bare block, into dst
// (of the decoded size).
func (legacyLZ4) DecodeWithError(dst, src []byte) ([]byte, error) {
	if out, ok := decodeHadoopLZ4(dst, src); ok {
		return out, nil
	}
	n, err := lz4.UncompressBlock(src, dst)
	if err != nil || n != len(dst) {
		return nil, fmt.Errorf("%w: %v", errLZ4, err)
	}
	return dst[:n], nil
}

// decodeHadoopLZ4 decodes Hadoop-framed blocks filling dst exactly, or
// reports that src is not that.
func decodeHadoopLZ4(dst, src []byte) ([]byte, bool) {
	out := 0
	for len(src) > 0 {
		if len(src) < 8 {
			return nil, false
		}
		size, packed := int(binary.BigEndian.Uint32(src)), int(binary.BigEndian.Uint32(src[4:]))
		src = src[8:]
		if packed > len(src) || size > len(dst)-out {
			return nil, false
		}
		n, err := lz4.UncompressBlock(src[:packed], dst[out:out+size])
		if err != nil || n != size {
			return nil, false
		}
		out += n
		src = src[packed:]
	}
	return dst[:out], out == len(dst)
}

// Decode is DecodeWithError, panicking on an error.
func (c legacyLZ4) Decode(dst, src []byte) []byte {
	out, err := c.DecodeWithError(dst, src)
	if err != nil {
		panic(err)
	}
	return out
}

// Encode writes src as one Hadoop-framed block.
func (c legacyLZ4) Encode(dst, src []byte) []byte {
	bound := int(c.CompressBound(int64(len(src))))
	if cap(dst) < bound {
		dst = make([]byte, bound)
	}
	dst = dst[:bound]
	var z lz4.Compressor
	n, err := z.CompressBlock(src, dst[8:])
	if err != nil {
		panic(err)
	}
	binary.BigEndian.PutUint32(dst, uint32(len(src)))
	binary.BigEndian.PutUint32(dst[4:], uint32(n))
	return dst[:8+n]
}

// EncodeLevel is Encode (LZ4 blocks have no levels).
func (c legacyLZ4) EncodeLevel(dst, src []byte, _ int) []byte { return c.Encode(dst, src) }

// CompressBound returns the most bytes Encode writes for n bytes.
func (legacyLZ4) CompressBound(n int64) int64 { return int64(lz4.CompressBlockBound(int(n))) + 8 }
