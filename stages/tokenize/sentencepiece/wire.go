package sentencepiece

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Protobuf wire types (https://protobuf.dev/programming-guides/encoding/).
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireFixed32 = 5
)

var errTruncated = errors.New("truncated message")

// wireReader walks the fields of one serialized protobuf message.
type wireReader struct {
	buf []byte
	pos int
}

// next returns the next field's number and wire type, or ok=false at the end.
func (r *wireReader) next() (field int, wtype int, ok bool, err error) {
	if r.pos >= len(r.buf) {
		return 0, 0, false, nil
	}
	tag, err := r.varint()
	if err != nil {
		return 0, 0, false, err
	}
	field, wtype = int(tag>>3), int(tag&7)
	if field <= 0 || tag>>3 > math.MaxInt32 {
		return 0, 0, false, fmt.Errorf("invalid field number %d at byte %d", tag>>3, r.pos)
	}
	return field, wtype, true, nil
}

func (r *wireReader) varint() (uint64, error) {
	v, n := binary.Uvarint(r.buf[r.pos:])
	if n <= 0 {
		return 0, fmt.Errorf("bad varint at byte %d: %w", r.pos, errTruncated)
	}
	r.pos += n
	return v, nil
}

func (r *wireReader) fixed32() (uint32, error) {
	if len(r.buf)-r.pos < 4 {
		return 0, fmt.Errorf("fixed32 at byte %d: %w", r.pos, errTruncated)
	}
	v := binary.LittleEndian.Uint32(r.buf[r.pos:])
	r.pos += 4
	return v, nil
}

func (r *wireReader) bytes() ([]byte, error) {
	n, err := r.varint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(r.buf)-r.pos) {
		return nil, fmt.Errorf("length %d at byte %d: %w", n, r.pos, errTruncated)
	}
	b := r.buf[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return b, nil
}

// skip passes over a field of the given wire type.
func (r *wireReader) skip(wtype int) error {
	switch wtype {
	case wireVarint:
		_, err := r.varint()
		return err
	case wireFixed64:
		if len(r.buf)-r.pos < 8 {
			return fmt.Errorf("fixed64 at byte %d: %w", r.pos, errTruncated)
		}
		r.pos += 8
		return nil
	case wireBytes:
		_, err := r.bytes()
		return err
	case wireFixed32:
		_, err := r.fixed32()
		return err
	default:
		return fmt.Errorf("unsupported wire type %d at byte %d", wtype, r.pos)
	}
}

// expect checks that a known field arrived with the wire type its schema says.
func expect(field, got, want int) error {
	if got != want {
		return fmt.Errorf("field %d: wire type %d, want %d", field, got, want)
	}
	return nil
}

// readInt32 reads a varint field declared int32 (negative values use ten bytes).
func (r *wireReader) readInt32() (int32, error) {
	v, err := r.varint()
	return int32(v), err
}

func (r *wireReader) readBool() (bool, error) {
	v, err := r.varint()
	return v != 0, err
}

func (r *wireReader) readFloat() (float32, error) {
	v, err := r.fixed32()
	return math.Float32frombits(v), err
}

func (r *wireReader) readString() (string, error) {
	b, err := r.bytes()
	return string(b), err
}
