// Package archive walks files and the containers inside them — zip, tar,
// gzip (and so tar.gz), nested to a depth limit — and hands every member to a
// visitor as a stream, never extracting anything to disk. Decompression bombs,
// deep nesting and huge members stop at limits with a warning that names the
// limit; unsafe member names are reported; a corrupt container is a warning.
package archive

import (
	"errors"
	"fmt"
	"io"
)

// Limits bound what a walk reads.
type Limits struct {
	// MaxDepth is how many containers may nest (a file inside a zip inside a
	// tar.gz is at depth 3: gzip, tar, zip).
	MaxDepth int
	// MaxEntryBytes caps the decompressed size of one member.
	MaxEntryBytes int64
	// MaxTotalBytes caps the decompressed bytes read from one top-level file.
	MaxTotalBytes int64
	// MaxRatio caps decompressed bytes per compressed byte of a stream, once it
	// has produced more than a mebibyte.
	MaxRatio float64
	// MaxEntries caps the members read from one archive.
	MaxEntries int
}

// DefaultLimits are generous for real data and stop bombs early.
func DefaultLimits() Limits {
	return Limits{
		MaxDepth:      6,
		MaxEntryBytes: 4 << 30,
		MaxTotalBytes: 64 << 30,
		MaxRatio:      200,
		MaxEntries:    1 << 20,
	}
}

// LimitError reports that a limit stopped reading.
type LimitError struct {
	// Limit names the limit: "depth", "entry size", "total size", "ratio" or "entries".
	Limit string
	// Detail gives the numbers.
	Detail string
}

// Error implements error.
func (e *LimitError) Error() string { return e.Limit + " limit reached: " + e.Detail }

// IsLimit reports whether err is (or wraps) a LimitError.
func IsLimit(err error) bool {
	var le *LimitError
	return errors.As(err, &le)
}

// minRatioBytes is how much a stream may produce before its ratio is checked.
const minRatioBytes = 1 << 20

// meter enforces the total-size limit of one top-level walk.
type meter struct {
	limits Limits
	total  int64
}

// limitReader enforces the entry-size, total-size and ratio limits on one
// decompressed stream. compressed, when set, says how many compressed bytes
// have been consumed so far.
type limitReader struct {
	r          io.Reader
	m          *meter
	n          int64
	compressed func() int64
	err        error
}

// Read implements io.Reader.
func (l *limitReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	l.m.total += int64(n)
	lim := l.m.limits
	switch {
	case lim.MaxEntryBytes > 0 && l.n > lim.MaxEntryBytes:
		l.err = &LimitError{Limit: "entry size", Detail: fmt.Sprintf("more than %d bytes decompressed", lim.MaxEntryBytes)}
	case lim.MaxTotalBytes > 0 && l.m.total > lim.MaxTotalBytes:
		l.err = &LimitError{Limit: "total size", Detail: fmt.Sprintf("more than %d bytes decompressed in all", lim.MaxTotalBytes)}
	case l.compressed != nil && lim.MaxRatio > 0 && l.n > minRatioBytes:
		if c := l.compressed(); float64(l.n) > lim.MaxRatio*float64(max(c, 1)) {
			l.err = &LimitError{Limit: "ratio", Detail: fmt.Sprintf("%d bytes from %d compressed (more than %gx)", l.n, c, lim.MaxRatio)}
		}
	}
	if l.err != nil {
		return n, l.err
	}
	return n, err
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

// Read implements io.Reader.
func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
