package table

import (
	"bytes"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/pierrec/lz4/v4"
)

// TestLegacyLZ4 decodes the deprecated LZ4 codec's two layouts, Hadoop's
// framing (several blocks) and a bare block, and refuses other bytes.
func TestLegacyLZ4(t *testing.T) {
	codec, err := compress.GetCodec(compress.Codecs.Lz4)
	if err != nil {
		t.Fatal(err)
	}
	text := bytes.Repeat([]byte("the quick brown fox jumps over the lazy dog. "), 200)
	half := len(text) / 2
	framed := append(codec.Encode(nil, text[:half]), codec.Encode(nil, text[half:])...)
	bare := make([]byte, lz4.CompressBlockBound(len(text)))
	n, err := lz4.CompressBlock(text, bare, nil)
	if err != nil || n == 0 {
		t.Fatalf("compressing: %d bytes, %v", n, err)
	}
	for name, src := range map[string][]byte{"hadoop": framed, "bare": bare[:n]} {
		got, err := compress.Decode(codec, make([]byte, len(text)), src)
		if err != nil || !bytes.Equal(got, text) {
			t.Errorf("%s: decoded %d bytes, %v", name, len(got), err)
		}
	}
	if _, err := compress.Decode(codec, make([]byte, len(text)), []byte("not lz4 at all")); err == nil {
		t.Error("decoded garbage")
	}
}

// TestEmptyBlocks decodes zero bytes to zero bytes with every codec (a V2
// data page of nulls only), where zero bytes are expected.
func TestEmptyBlocks(t *testing.T) {
	for _, c := range []compress.Compression{compress.Codecs.Snappy, compress.Codecs.Gzip, compress.Codecs.Brotli,
		compress.Codecs.Zstd, compress.Codecs.Lz4Raw, compress.Codecs.Lz4} {
		codec, err := compress.GetCodec(c)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := compress.Decode(codec, []byte{}, nil); err != nil || len(got) != 0 {
			t.Errorf("%s: %d bytes, %v", c, len(got), err)
		}
		streams := c == compress.Codecs.Snappy || c == compress.Codecs.Gzip || c == compress.Codecs.Brotli
		if _, ok := codec.(compress.StreamingCodec); streams && !ok {
			t.Errorf("%s: no longer streams", c)
		}
	}
}
