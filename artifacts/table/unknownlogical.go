package table

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// The specification has readers treat a logical type they do not know as
// absent, reading the column as its physical type; arrow-go panics on one
// instead ("invalid logical type") while parsing the footer. When that
// happens, Open parses the footer again from a copy without the unknown
// annotations: dropUnknownLogicalTypes walks the footer's Thrift compact
// encoding and removes from each schema element a LogicalType union none
// of whose members arrow-go knows. Everything else is copied byte for byte.

// newParquetReader opens the Parquet file f with arrow-go, parsing the
// footer again without unknown logical types where arrow-go panics on one.
func newParquetReader(f *os.File, props *parquet.ReaderProperties) (pq *file.Reader, err error) {
	unknown := false
	func() {
		defer func() {
			if p := recover(); p != nil {
				if !strings.Contains(fmt.Sprint(p), "invalid logical type") {
					panic(p)
				}
				unknown = true
			}
		}()
		pq, err = file.NewParquetReader(f, file.WithReadProps(props))
	}()
	if !unknown {
		return pq, err
	}
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	md, err := footerMetadata(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("reading the footer without unknown logical types: %w", err)
	}
	md.SetSourceFileSize(st.Size())
	return file.NewParquetReader(f, file.WithReadProps(props), file.WithMetadata(md))
}

// knownLogicalTypes are the members of Parquet's LogicalType union (by
// field id) that arrow-go reads: STRING to TIMESTAMP, INTEGER to
// GEOGRAPHY.
var knownLogicalTypes = map[int16]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true, 8: true,
	10: true, 11: true, 12: true, 13: true, 14: true, 15: true, 16: true, 17: true, 18: true}

// errThrift is the error for a footer that is not valid Thrift compact
// encoding.
var errThrift = errors.New("malformed Thrift in the footer")

// footerMetadata reads the footer of the Parquet file r (of size bytes)
// without its unknown logical types and parses it.
func footerMetadata(r io.ReaderAt, size int64) (*metadata.FileMetaData, error) {
	var tail [8]byte
	if size < 12 {
		return nil, fmt.Errorf("file of %d bytes is too short for Parquet", size)
	}
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return nil, err
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if string(tail[4:]) != "PAR1" || n > size-12 {
		return nil, errors.New("no plain Parquet footer")
	}
	footer := make([]byte, n)
	if _, err := r.ReadAt(footer, size-8-n); err != nil {
		return nil, err
	}
	fixed, err := dropUnknownLogicalTypes(footer)
	if err != nil {
		return nil, err
	}
	return metadata.NewFileMetaData(fixed, nil)
}

// thrift reads Thrift compact encoding.
type thrift struct {
	b   []byte
	pos int
}

// uvarint reads an unsigned varint.
func (t *thrift) uvarint() (uint64, error) {
	v, k := binary.Uvarint(t.b[t.pos:])
	if k <= 0 {
		return 0, errThrift
	}
	t.pos += k
	return v, nil
}

// field reads a field header after field last: its type (0 at the end of
// the struct) and id.
func (t *thrift) field(last int16) (byte, int16, error) {
	if t.pos >= len(t.b) {
		return 0, 0, errThrift
	}
	h := t.b[t.pos]
	t.pos++
	typ := h & 0x0f
	if typ == 0 {
		return 0, 0, nil
	}
	if delta := h >> 4; delta != 0 {
		return typ, last + int16(delta), nil
	}
	v, err := t.uvarint()
	if err != nil {
		return 0, 0, err
	}
	return typ, int16(v>>1) ^ -int16(v&1), nil
}

// skip skips a value of a compact type, at most depth levels deep.
func (t *thrift) skip(typ byte, depth int) error {
	if depth > 32 {
		return errThrift
	}
	switch typ {
	case 1, 2: // booleans in a field header
	case 3:
		t.pos++
	case 4, 5, 6:
		if _, err := t.uvarint(); err != nil {
			return err
		}
	case 7:
		t.pos += 8
	case 8:
		n, err := t.uvarint()
		if err != nil || n > uint64(len(t.b)) {
			return errThrift
		}
		t.pos += int(n)
	case 9, 10:
		elem, n, err := t.listHeader()
		if err != nil {
			return err
		}
		for range n {
			if elem == 1 || elem == 2 {
				t.pos++ // booleans in a list are one byte each
				continue
			}
			if err := t.skip(elem, depth+1); err != nil {
				return err
			}
		}
	case 11:
		n, err := t.uvarint()
		if err != nil || n > uint64(len(t.b)) {
			return errThrift
		}
		if n > 0 {
			if t.pos >= len(t.b) {
				return errThrift
			}
			kv := t.b[t.pos]
			t.pos++
			for range n {
				if err := t.skip(kv>>4, depth+1); err != nil {
					return err
				}
				if err := t.skip(kv&0x0f, depth+1); err != nil {
					return err
				}
			}
		}
	case 12:
		var last int16
		for {
			ft, id, err := t.field(last)
			if err != nil {
				return err
			}
			if ft == 0 {
				break
			}
			if err := t.skip(ft, depth+1); err != nil {
				return err
			}
			last = id
		}
	default:
		return errThrift
	}
	if t.pos > len(t.b) {
		return errThrift
	}
	return nil
}

// listHeader reads a list header: the element type and the length.
func (t *thrift) listHeader() (byte, int, error) {
	if t.pos >= len(t.b) {
		return 0, 0, errThrift
	}
	h := t.b[t.pos]
	t.pos++
	n := uint64(h >> 4)
	if n == 15 {
		var err error
		if n, err = t.uvarint(); err != nil {
			return 0, 0, err
		}
	}
	if n > uint64(len(t.b)) {
		return 0, 0, errThrift
	}
	return h & 0x0f, int(n), nil
}

// appendFieldHeader appends a compact field header for id after last.
func appendFieldHeader(dst []byte, last, id int16, typ byte) []byte {
	if d := id - last; d > 0 && d <= 15 {
		return append(dst, byte(d)<<4|typ)
	}
	dst = append(dst, typ)
	return binary.AppendUvarint(dst, uint64(uint16((id<<1)^(id>>15))))
}

// dropUnknownLogicalTypes returns the FileMetaData footer with every
// schema element's LogicalType (field 10) removed whose set member
// arrow-go does not know.
func dropUnknownLogicalTypes(footer []byte) ([]byte, error) {
	t := &thrift{b: footer}
	out := make([]byte, 0, len(footer))
	var last int16
	for {
		start := t.pos
		typ, id, err := t.field(last)
		if err != nil {
			return nil, err
		}
		if typ == 0 {
			return append(out, 0), nil
		}
		if id != 2 || typ != 9 { // not the schema: copied as it is
			if err := t.skip(typ, 0); err != nil {
				return nil, err
			}
			out = append(out, footer[start:t.pos]...)
			last = id
			continue
		}
		elem, n, err := t.listHeader()
		if err != nil || elem != 12 {
			return nil, errThrift
		}
		out = append(out, footer[start:t.pos]...)
		for range n {
			if out, err = t.schemaElement(out); err != nil {
				return nil, err
			}
		}
		last = id
	}
}

// schemaElement copies one SchemaElement struct to out, without a
// LogicalType none of whose members arrow-go knows.
func (t *thrift) schemaElement(out []byte) ([]byte, error) {
	var last, written int16
	for {
		typ, id, err := t.field(last)
		if err != nil {
			return nil, err
		}
		if typ == 0 {
			return append(out, 0), nil
		}
		start := t.pos
		known := true
		if id == 10 && typ == 12 {
			known, err = t.knownLogicalType()
		} else {
			err = t.skip(typ, 0)
		}
		if err != nil {
			return nil, err
		}
		last = id
		if !known {
			continue
		}
		out = appendFieldHeader(out, written, id, typ)
		out = append(out, t.b[start:t.pos]...)
		written = id
	}
}

// knownLogicalType reads a LogicalType union and reports whether a member
// arrow-go knows is set.
func (t *thrift) knownLogicalType() (bool, error) {
	var last int16
	known := false
	for {
		typ, id, err := t.field(last)
		if err != nil {
			return false, err
		}
		if typ == 0 {
			return known, nil
		}
		if knownLogicalTypes[id] {
			known = true
		}
		if err := t.skip(typ, 0); err != nil {
			return false, err
		}
		last = id
	}
}
