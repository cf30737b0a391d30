package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// lineReader splits a stream into lines of up to max bytes. A line excludes
// its "\n" and a "\r" before it; a UTF-8 byte order mark opening the stream
// is dropped. A longer line is read to its end without being kept: next
// returns its first rejectPrefix bytes and an *errRecordTooLong, and reading
// can go on.
type lineReader struct {
	r    *bufio.Reader
	max  int64
	long []byte
	line int64 // number of the line last returned, 1-based
}

// newline ends a line.
var newline = []byte("\n")

// newLineReader reads lines of up to max bytes from r.
func newLineReader(r io.Reader, max int64) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 256<<10), max: max}
}

// next returns the next line, valid until the next call, or io.EOF.
func (l *lineReader) next() ([]byte, error) {
	b, err := l.r.ReadSlice('\n')
	var tooLong *errRecordTooLong
	if errors.Is(err, bufio.ErrBufferFull) {
		l.long = append(l.long[:0], b...)
		size := int64(len(b))
		for errors.Is(err, bufio.ErrBufferFull) {
			b, err = l.r.ReadSlice('\n')
			// Only the last piece ends with the "\n", which is not counted.
			size += int64(len(bytes.TrimSuffix(b, newline)))
			if size > l.max {
				if tooLong == nil {
					// Keep the prefix only, and give the rest back.
					l.long = append([]byte(nil), l.long[:min(len(l.long), rejectPrefix)]...)
				}
				tooLong = &errRecordTooLong{size: size, max: l.max}
				continue
			}
			l.long = append(l.long, b...)
		}
		b = l.long
	} else if size := int64(len(bytes.TrimSuffix(b, newline))); size > l.max {
		tooLong = &errRecordTooLong{size: size, max: l.max}
		b = b[:min(len(b), rejectPrefix)]
	}
	if tooLong != nil && (err == nil || errors.Is(err, io.EOF)) {
		l.line++
		return b, tooLong
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(b) == 0 && err != nil {
		return nil, io.EOF
	}
	l.line++
	if l.line == 1 {
		b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	}
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b, nil
}
