package ingest

import (
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// textColumns are the columns of `format: text`: one row per line (text,
// line, and path when there are several files) or, with per_file, one row
// per file (path, text).
func textColumns(cfg *config, nfiles int) []column {
	if cfg.perFile {
		return []column{{name: "path", typ: typeString}, {name: "text", typ: typeString}}
	}
	cols := []column{{name: "text", typ: typeString}, {name: "line", typ: typeInt}}
	if nfiles > 1 {
		cols = append(cols, column{name: "path", typ: typeString})
	}
	return cols
}

// readText streams one text file into s.
func readText(cfg *config, src source, withPath bool, s *sink, nbytes *int64) error {
	rc, err := openSource(src, nbytes)
	if err != nil {
		return err
	}
	defer rc.Close()
	if cfg.perFile {
		data, err := io.ReadAll(io.LimitReader(rc, src.lim.record+1))
		if err != nil {
			return err
		}
		if int64(len(data)) > src.lim.record {
			return s.reject(src.name, 1, &errRecordTooLong{size: int64(len(data)), max: src.lim.record}, data[:rejectPrefix])
		}
		if len(data) == 0 {
			return fmt.Errorf("%s: empty file", src.name)
		}
		if !utf8.Valid(data) {
			return s.reject(src.name, firstInvalidLine(data), errNotUTF8, data)
		}
		return s.add([]value{{s: []byte(src.name)}, {s: data}})
	}
	lr := newLineReader(rc, src.lim.record)
	vals := make([]value, 2, 3)
	if withPath {
		vals = append(vals, value{s: []byte(src.name)})
	}
	for {
		line, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if isTooLong(err) {
			if err := s.reject(src.name, lr.line, err, line); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if !utf8.Valid(line) {
			if err := s.reject(src.name, lr.line, errNotUTF8, line); err != nil {
				return err
			}
			continue
		}
		vals[0], vals[1] = value{s: line}, value{i: lr.line}
		if err := s.add(vals); err != nil {
			return err
		}
	}
	if lr.line == 0 {
		return fmt.Errorf("%s: empty file", src.name)
	}
	return nil
}

// firstInvalidLine is the 1-based line holding the first invalid UTF-8 byte.
func firstInvalidLine(data []byte) int64 {
	line := int64(1)
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		if r == utf8.RuneError && n == 1 {
			return line
		}
		if data[0] == '\n' {
			line++
		}
		data = data[n:]
	}
	return line
}
