package ingest

import (
	"errors"
	"fmt"
	"io"
)

// limits bound what one input file may cost, so no input (a decompression
// bomb, a file of one endless line) can take the machine's memory.
type limits struct {
	// record is the longest record (line, CSV record, per-file text) kept.
	record int64
	// decompressed is the most bytes one compressed file may expand to.
	decompressed int64
	// ratio is the most decompressed bytes per compressed byte, checked once
	// a stream has produced ratioAfter bytes.
	ratio float64
}

// The limits' defaults, as the schema declares them.
const (
	defaultMaxRecordBytes       = 64 << 20
	defaultMaxDecompressedBytes = 64 << 30
	defaultMaxRatio             = 1000
)

// ratioAfter is how much a stream may produce before its ratio is checked
// (short streams of repeated bytes legitimately compress very well).
const ratioAfter = 1 << 20

// rejectPrefix is how much of a record that is too long is kept in the
// `rejected` table.
const rejectPrefix = 1 << 10

// errRecordTooLong marks a record longer than with.max_record_bytes; reading
// goes on with the next record.
type errRecordTooLong struct{ size, max int64 }

func (e *errRecordTooLong) Error() string {
	return fmt.Sprintf("record of %d bytes or more is longer than with.max_record_bytes (%d)", e.size, e.max)
}

// isTooLong reports whether err is a record over the length limit.
func isTooLong(err error) bool {
	var e *errRecordTooLong
	return errors.As(err, &e)
}

// boundedStream enforces the decompression limits on one compressed file:
// out counts what it produced, in what was read from the file.
type boundedStream struct {
	r    io.Reader
	name string
	lim  limits
	in   *countReader
	out  int64
}

func (b *boundedStream) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.out += int64(n)
	switch {
	case b.lim.decompressed > 0 && b.out > b.lim.decompressed:
		return n, fmt.Errorf("%s: decompresses to more than with.max_decompressed_bytes (%d)", b.name, b.lim.decompressed)
	case b.lim.ratio > 0 && b.out > ratioAfter && float64(b.out) > b.lim.ratio*float64(max(b.in.n, 1)):
		return n, fmt.Errorf("%s: decompresses more than with.max_ratio (%g) times its compressed size (%d bytes from %d): a decompression bomb?", b.name, b.lim.ratio, b.out, b.in.n)
	}
	return n, err
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
