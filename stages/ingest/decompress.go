package ingest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// openSource opens a file for reading, decompressing .gz and .zst files.
// Errors from the decompressor name the file and say the stream is corrupt
// or truncated. n counts the decompressed bytes read.
func openSource(src source, n *int64) (io.ReadCloser, error) {
	f, err := os.Open(src.abs)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", src.name, err)
	}
	lower := strings.ToLower(src.name)
	in := &countReader{r: f}
	switch {
	case strings.HasSuffix(lower, ".gz"):
		zr, err := gzip.NewReader(in)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("reading %s: not a valid gzip stream: %w", src.name, err)
		}
		bounded := &boundedStream{r: zr, name: src.name, lim: src.lim, in: in}
		return &countingReader{r: bounded, name: src.name, codec: "gzip", n: n, close: func() error { zr.Close(); return f.Close() }}, nil
	case strings.HasSuffix(lower, ".zst"):
		zr, err := zstd.NewReader(in, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxMemory(256<<20))
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("reading %s: not a valid zstd stream: %w", src.name, err)
		}
		bounded := &boundedStream{r: zr, name: src.name, lim: src.lim, in: in}
		return &countingReader{r: bounded, name: src.name, codec: "zstd", n: n, close: func() error { zr.Close(); return f.Close() }}, nil
	}
	return &countingReader{r: f, name: src.name, n: n, close: f.Close}, nil
}

// countingReader counts bytes and names the file in read errors.
type countingReader struct {
	r     io.Reader
	name  string
	codec string
	n     *int64
	close func() error
}

// Read implements io.Reader.
func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	if err != nil && err != io.EOF {
		if c.codec != "" {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return n, fmt.Errorf("reading %s: truncated %s stream: %w", c.name, c.codec, err)
			}
			return n, fmt.Errorf("reading %s: corrupt %s stream: %w", c.name, c.codec, err)
		}
		return n, fmt.Errorf("reading %s: %w", c.name, err)
	}
	return n, err
}

// Close implements io.Closer.
func (c *countingReader) Close() error { return c.close() }
