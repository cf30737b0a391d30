package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// errNotUTF8 is the error for a record that is not valid UTF-8.
var errNotUTF8 = errors.New("not valid UTF-8")

// jsonlReader turns JSON Lines into rows: one object per line, members
// matched to columns by name. Blank lines are skipped.
type jsonlReader struct {
	cols     []column
	declared bool // members without a column are ignored, absent columns are errors
	index    map[string]int
	sc       jsonScanner
	vals     []value
	seen     []bool
	limit    int // inference: number of records sampled
}

// newJSONLReader reads rows of cols.
func newJSONLReader(cols []column, declared bool) *jsonlReader {
	r := &jsonlReader{cols: cols, declared: declared, index: make(map[string]int, len(cols)),
		vals: make([]value, len(cols)), seen: make([]bool, len(cols))}
	for i, c := range cols {
		r.index[c.name] = i
	}
	return r
}

// readFile streams one file into s.
func (r *jsonlReader) readFile(src source, s *sink, nbytes *int64) error {
	rc, err := openSource(src, nbytes)
	if err != nil {
		return err
	}
	defer rc.Close()
	lr := newLineReader(rc, src.lim.record)
	records := 0
	for {
		line, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if isTooLong(err) {
			records++
			if err := s.reject(src.name, lr.line, err, line); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if isBlank(line) {
			continue
		}
		records++
		if err := r.row(line); err != nil {
			if err := s.reject(src.name, lr.line, err, line); err != nil {
				return err
			}
			continue
		}
		if err := s.add(r.vals); err != nil {
			return err
		}
	}
	if records == 0 {
		return fmt.Errorf("%s: empty file (no JSON record)", src.name)
	}
	return nil
}

// row parses line into r.vals.
func (r *jsonlReader) row(line []byte) error {
	if !utf8.Valid(line) {
		return errNotUTF8
	}
	for i := range r.vals {
		r.vals[i] = value{null: true}
		r.seen[i] = false
	}
	err := r.sc.object(line, func(key []byte, v *jsonValue) error {
		i, ok := r.index[string(key)]
		if !ok {
			if r.declared {
				return nil
			}
			return fmt.Errorf("member %q is not in the schema inferred from the first %d records; declare columns", key, r.limit)
		}
		val, err := fromJSON(r.cols[i].typ, v)
		if err != nil {
			return fmt.Errorf("member %q: %w", key, err)
		}
		r.vals[i], r.seen[i] = val, true
		return nil
	})
	if err != nil {
		return err
	}
	if r.declared {
		for i, ok := range r.seen {
			if !ok {
				return fmt.Errorf("missing declared column %q", r.cols[i].name)
			}
		}
	}
	return nil
}

// fromJSON converts a JSON value to a column of type t. Strings that spell
// a value of t are accepted; anything becomes a string column's JSON text.
func fromJSON(t colType, v *jsonValue) (value, error) {
	if v.kind == jNull {
		return value{null: true}, nil
	}
	switch t {
	case typeString:
		if v.kind == jString {
			return value{s: v.str}, nil
		}
		return value{s: v.raw}, nil
	case typeInt:
		var s []byte
		switch {
		case v.kind == jNumber && v.isInt:
			s = v.raw
		case v.kind == jString:
			s = v.str
		default:
			return value{}, fmt.Errorf("%s does not parse as int", clip(v.raw))
		}
		i, err := strconv.ParseInt(string(s), 10, 64)
		if err != nil {
			return value{}, fmt.Errorf("%s does not parse as int", clip(v.raw))
		}
		return value{i: i}, nil
	case typeFloat:
		var s []byte
		switch v.kind {
		case jNumber:
			s = v.raw
		case jString:
			s = v.str
		default:
			return value{}, fmt.Errorf("%s does not parse as float", clip(v.raw))
		}
		f, err := strconv.ParseFloat(string(s), 64)
		if err != nil {
			return value{}, fmt.Errorf("%s does not parse as float", clip(v.raw))
		}
		return value{f: f}, nil
	case typeBool:
		switch v.kind {
		case jBool:
			return value{b: v.b}, nil
		case jString:
			if b, ok := parseBool(v.str); ok {
				return value{b: b}, nil
			}
		}
		return value{}, fmt.Errorf("%s does not parse as bool", clip(v.raw))
	}
	return value{}, fmt.Errorf("unknown column type %d", t)
}

// isBlank reports whether line holds only spaces and tabs.
func isBlank(line []byte) bool {
	return len(bytes.TrimLeft(line, " \t\r")) == 0
}

// Kinds of values seen while inferring a column's type.
const (
	seenBool = 1 << iota
	seenInt
	seenFloat
	seenString
	seenNested
)

// inferJSONL reads up to limit valid records from srcs and returns their
// members as columns in order of first appearance. A column's type is the
// narrowest that holds every value seen: bool, int, float (ints and floats),
// else string (which also takes nested values as JSON text).
func inferJSONL(srcs []source, limit int) ([]column, error) {
	var (
		cols  []column
		kinds []int
		index = map[string]int{}
		sc    jsonScanner
		n     int
		dummy int64
	)
	for _, src := range srcs {
		if n >= limit {
			break
		}
		err := func() error {
			rc, err := openSource(src, &dummy)
			if err != nil {
				return err
			}
			defer rc.Close()
			lr := newLineReader(rc, src.lim.record)
			for scanned := 0; n < limit && scanned < 10*limit; scanned++ {
				line, err := lr.next()
				if errors.Is(err, io.EOF) {
					return nil
				}
				if isTooLong(err) {
					continue // the read proper rejects it
				}
				if err != nil {
					return err
				}
				if isBlank(line) || !utf8.Valid(line) {
					continue
				}
				err = sc.object(line, func(key []byte, v *jsonValue) error {
					i, ok := index[string(key)]
					if !ok {
						i = len(cols)
						index[string(key)] = i
						cols = append(cols, column{name: string(key), nullable: true})
						kinds = append(kinds, 0)
					}
					switch {
					case v.kind == jBool:
						kinds[i] |= seenBool
					case v.kind == jNumber && v.isInt:
						kinds[i] |= seenInt
					case v.kind == jNumber:
						kinds[i] |= seenFloat
					case v.kind == jString:
						kinds[i] |= seenString
					case v.kind == jObject || v.kind == jArray:
						kinds[i] |= seenNested
					}
					return nil
				})
				if err == nil {
					n++
				}
			}
			return nil
		}()
		if err != nil {
			return nil, err
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("no valid JSON record to infer a schema from in %s; declare columns", srcs[0].name)
	}
	for i := range cols {
		cols[i].typ = typeFromKinds(kinds[i])
	}
	return cols, nil
}

// typeFromKinds picks a column type from the kinds of values seen.
func typeFromKinds(k int) colType {
	switch {
	case k == seenBool:
		return typeBool
	case k == seenInt:
		return typeInt
	case k != 0 && k&^(seenInt|seenFloat) == 0:
		return typeFloat
	}
	return typeString
}
