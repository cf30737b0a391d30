package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// textColumns are the columns of `format: text`: one row per line or, with
// paragraphs, per paragraph (text, line, and path when there are several
// files) or, with per_file, one row per file (path, text).
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
	if cfg.paragraphs {
		return readParagraphs(src.name, lr, src.lim.record, vals, s)
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

// readParagraphs streams one text file into s a paragraph a row.
func readParagraphs(name string, lr *lineReader, limit int64, vals []value, s *sink) error {
	pr := &paragraphReader{lr: lr, limit: limit}
	for {
		p, err := pr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if p.bad != nil {
			if err := s.reject(name, p.badLine, p.bad, p.text); err != nil {
				return err
			}
			continue
		}
		vals[0], vals[1] = value{s: p.text}, value{i: p.first}
		if err := s.add(vals); err != nil {
			return err
		}
	}
	if lr.line == 0 {
		return fmt.Errorf("%s: empty file", name)
	}
	return nil
}

// paragraphReader splits a stream of lines into paragraphs: the non-blank
// lines up to a blank one (or the end), each stripped of leading and
// trailing blanks and joined by one space.
type paragraphReader struct {
	lr    *lineReader
	limit int64 // longest paragraph kept, in bytes
	text  []byte
}

// paragraph is one paragraph of a paragraphReader. A paragraph longer than
// the limit, or with a line of invalid UTF-8 or over the line reader's
// limit, is a reject: bad says why and badLine is the line that made it
// one, and text is its first rejectPrefix bytes.
type paragraph struct {
	text           []byte // valid until the next call
	first, badLine int64
	bad            error
}

// next returns the next paragraph, or io.EOF after the last.
func (r *paragraphReader) next() (paragraph, error) {
	p := paragraph{text: r.text[:0]}
	for {
		line, err := r.lr.next()
		if errors.Is(err, io.EOF) {
			if p.first == 0 {
				return p, io.EOF
			}
			return p, nil
		}
		if err != nil && !isTooLong(err) {
			return p, err
		}
		if err == nil && len(bytes.Trim(line, " \t")) == 0 {
			if p.first != 0 {
				return p, nil
			}
			continue
		}
		if p.first == 0 {
			p.first = r.lr.line
		}
		if p.bad != nil {
			continue
		}
		line = bytes.Trim(line, " \t")
		if len(p.text) > 0 {
			p.text = append(p.text, ' ')
		}
		p.text = append(p.text, line...)
		r.text = p.text
		switch {
		case err != nil:
			p.bad = err
		case !utf8.Valid(line):
			p.bad = errNotUTF8
		case int64(len(p.text)) > r.limit:
			p.bad = &errRecordTooLong{size: int64(len(p.text)), max: r.limit}
		}
		if p.bad != nil {
			p.badLine, p.text = r.lr.line, p.text[:min(len(p.text), rejectPrefix)]
		}
	}
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
