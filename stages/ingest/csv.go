package ingest

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// delimited reads CSV and TSV files into rows.
type delimited struct {
	cfg  *config
	cols []column
	vals []value
}

// delimiter is the field separator for the configured format.
func (d *delimited) delimiter() byte {
	if d.cfg.delimiter != 0 {
		return d.cfg.delimiter
	}
	if d.cfg.format == formatTSV {
		return '\t'
	}
	return ','
}

// header skips the lines skip_rows names, reads a file's header line (or,
// without one, nothing) and returns the column names, or nil without a
// header.
func (d *delimited) header(src source, cr *csvReader) ([]string, error) {
	for i := int64(0); i < d.cfg.skipRows; i++ {
		cr.raw = cr.raw[:0]
		ok, err := cr.readLine()
		if err != nil && !isTooLong(err) {
			return nil, fmt.Errorf("%s:%d: skipping lines: %w", src.name, cr.line+1, err)
		}
		if !ok {
			return nil, fmt.Errorf("%s: ends after %d lines, within the %d that skip_rows skips", src.name, cr.line, d.cfg.skipRows)
		}
	}
	if !d.cfg.header {
		return nil, nil
	}
	fields, err := cr.next()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file (no header line)", src.name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s:%d: header: %w", src.name, cr.start, err)
	}
	names := make([]string, len(fields))
	seen := map[string]bool{}
	for i, f := range fields {
		if !utf8.Valid(f) {
			return nil, fmt.Errorf("%s:%d: header: column %d is %w", src.name, cr.start, i+1, errNotUTF8)
		}
		n := strings.TrimSpace(string(f))
		if i == 0 {
			n = strings.TrimPrefix(n, "\uFEFF")
		}
		if n == "" {
			n = "column" + strconv.Itoa(i+1)
		}
		if seen[n] {
			return nil, fmt.Errorf("%s:%d: header: column name %q appears twice", src.name, cr.start, n)
		}
		seen[n] = true
		names[i] = n
	}
	return names, nil
}

// infer reads up to limit records of the first file: names from the header
// (or column1, column2, ...), types the narrowest of int, float, bool and
// string that parses every non-empty value.
func (d *delimited) infer(srcs []source) ([]column, error) {
	var dummy int64
	rc, err := openSource(srcs[0], &dummy)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	cr := newCSVReader(rc, d.delimiter(), srcs[0].lim.record)
	names, err := d.header(srcs[0], cr)
	if err != nil {
		return nil, err
	}
	const canInt, canFloat, canBool = 1, 2, 4
	var flags []int
	for n := 0; n < d.cfg.inferRows; n++ {
		fields, err := cr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, errCSV) || isTooLong(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if names == nil {
			names = make([]string, len(fields))
			for i := range names {
				names[i] = "column" + strconv.Itoa(i+1)
			}
		}
		if len(fields) != len(names) {
			continue
		}
		if flags == nil {
			flags = make([]int, len(names))
			for i := range flags {
				flags[i] = canInt | canFloat | canBool
			}
		}
		for i, f := range fields {
			if len(f) == 0 {
				continue
			}
			s := strings.TrimSpace(string(f))
			if flags[i]&canInt != 0 {
				if _, err := strconv.ParseInt(s, 10, 64); err != nil {
					flags[i] &^= canInt
				}
			}
			if flags[i]&canFloat != 0 {
				if _, err := strconv.ParseFloat(s, 64); err != nil {
					flags[i] &^= canFloat
				}
			}
			if flags[i]&canBool != 0 {
				if _, ok := parseBool(f); !ok {
					flags[i] &^= canBool
				}
			}
		}
	}
	if names == nil {
		return nil, fmt.Errorf("%s: empty file (no record)", srcs[0].name)
	}
	cols := make([]column, len(names))
	for i, n := range names {
		cols[i] = column{name: n, typ: typeString, nullable: true}
		if flags == nil {
			continue
		}
		switch f := flags[i]; {
		case f&canInt != 0:
			cols[i].typ = typeInt
		case f&canFloat != 0:
			cols[i].typ = typeFloat
		case f&canBool != 0:
			cols[i].typ = typeBool
		}
	}
	// A column with no value at all stays a string.
	return cols, nil
}

// readFile streams one file into s.
func (d *delimited) readFile(src source, s *sink, nbytes *int64) error {
	rc, err := openSource(src, nbytes)
	if err != nil {
		return err
	}
	defer rc.Close()
	cr := newCSVReader(rc, d.delimiter(), src.lim.record)
	names, err := d.header(src, cr)
	if err != nil {
		return err
	}
	// pick[i] is the field index of output column i.
	pick := make([]int, len(d.cols))
	width := len(d.cols)
	if names != nil {
		width = len(names)
		at := map[string]int{}
		for i, n := range names {
			at[n] = i
		}
		for i, c := range d.cols {
			j, ok := at[c.name]
			if !ok {
				if d.cfg.declared {
					return fmt.Errorf("%s:%d: missing declared column %q (header has %s)", src.name, cr.start, c.name, strings.Join(names, ", "))
				}
				return fmt.Errorf("%s:%d: header lacks column %q of the first file's header", src.name, cr.start, c.name)
			}
			pick[i] = j
		}
	} else {
		for i := range pick {
			pick[i] = i
		}
	}
	if d.vals == nil {
		d.vals = make([]value, len(d.cols))
	}
	records := names != nil
	for {
		fields, err := cr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		records = true
		if err == nil {
			err = d.row(fields, width, pick, names != nil)
		}
		if err != nil {
			if !errors.Is(err, errCSV) && !errors.Is(err, errRow) && !isTooLong(err) {
				return err
			}
			if err := s.reject(src.name, cr.start, err, cr.rawText()); err != nil {
				return err
			}
			continue
		}
		if err := s.add(d.vals); err != nil {
			return err
		}
	}
	if !records {
		return fmt.Errorf("%s: empty file (no record)", src.name)
	}
	return nil
}

// errRow marks a record whose fields do not fit the columns.
var errRow = errors.New("bad record")

// row converts one record's fields into d.vals; pick[i] is the field
// index of column i.
func (d *delimited) row(fields [][]byte, width int, pick []int, hasHeader bool) error {
	if len(fields) != width {
		what := "columns are declared"
		if hasHeader {
			what = "the header has"
		}
		return fmt.Errorf("%w: %d fields, but %s %d", errRow, len(fields), what, width)
	}
	for i, c := range d.cols {
		f := fields[pick[i]]
		if !utf8.Valid(f) {
			return fmt.Errorf("%w: column %q is %w", errRow, c.name, errNotUTF8)
		}
		v, err := parseText(c.typ, f)
		if err != nil {
			return fmt.Errorf("%w: column %q: %w", errRow, c.name, err)
		}
		d.vals[i] = v
	}
	return nil
}
