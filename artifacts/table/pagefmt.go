package table

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Parquet page types and encodings, as numbered by the format's Thrift
// definition (parquet.thrift).
const (
	pageData       = 0 // DATA_PAGE (v1)
	pageDictionary = 2 // DICTIONARY_PAGE

	encPlain         = 0 // PLAIN
	encRLE           = 3 // RLE (levels)
	encRLEDictionary = 8 // RLE_DICTIONARY (indices into a dictionary page)
)

// Thrift compact protocol field types.
const (
	thriftI32    = 5
	thriftStruct = 12
)

// appendPageHeader appends a Thrift-compact PageHeader for a data page
// (numValues levels, values in enc, levels RLE) or, for pageDictionary, a
// dictionary page of numValues PLAIN entries.
func appendPageHeader(dst []byte, typ, uncompressed, compressed, numValues, enc int) []byte {
	dst = appendField(dst, 0, 1, thriftI32)
	dst = appendVarint(dst, zigzag(typ))
	dst = appendField(dst, 1, 2, thriftI32)
	dst = appendVarint(dst, zigzag(uncompressed))
	dst = appendField(dst, 2, 3, thriftI32)
	dst = appendVarint(dst, zigzag(compressed))
	if typ == pageDictionary {
		dst = appendField(dst, 3, 7, thriftStruct) // dictionary_page_header
		dst = appendField(dst, 0, 1, thriftI32)
		dst = appendVarint(dst, zigzag(numValues))
		dst = appendField(dst, 1, 2, thriftI32)
		dst = appendVarint(dst, zigzag(enc))
		dst = append(dst, 0) // end of DictionaryPageHeader
	} else {
		dst = appendField(dst, 3, 5, thriftStruct) // data_page_header
		dst = appendField(dst, 0, 1, thriftI32)
		dst = appendVarint(dst, zigzag(numValues))
		dst = appendField(dst, 1, 2, thriftI32)
		dst = appendVarint(dst, zigzag(enc))
		dst = appendField(dst, 2, 3, thriftI32) // definition_level_encoding
		dst = appendVarint(dst, zigzag(encRLE))
		dst = appendField(dst, 3, 4, thriftI32) // repetition_level_encoding
		dst = appendVarint(dst, zigzag(encRLE))
		dst = append(dst, 0) // end of DataPageHeader
	}
	return append(dst, 0) // end of PageHeader
}

// appendField appends a compact-protocol field header for field id after
// field last (ids here always grow by 1 to 15, the short form).
func appendField(dst []byte, last, id int, typ byte) []byte {
	return append(dst, byte(id-last)<<4|typ)
}

// zigzag maps a signed 32-bit value to Thrift's zigzag form.
func zigzag(v int) uint64 { return uint64(uint32((int32(v) << 1) ^ (int32(v) >> 31))) }

// appendVarint appends v as an unsigned LEB128 varint.
func appendVarint(dst []byte, v uint64) []byte { return binary.AppendUvarint(dst, v) }

// pageDataV2 is DATA_PAGE_V2's page type; encRLE also serves as the
// values encoding of v2 boolean pages and encPlainDictionary as older
// writers' name for dictionary pages and indices.
const (
	pageDataV2         = 3
	encPlainDictionary = 2
)

// pageHeader is the part of a Parquet PageHeader that the page reader uses.
type pageHeader struct {
	typ          int32
	uncompressed int32
	compressed   int32
	numValues    int32 // levels in a data page, entries in a dictionary page
	encoding     int32
	defEncoding  int32 // v1 data pages
	defBytes     int32 // v2: definition levels, stored uncompressed
	repBytes     int32 // v2: repetition levels, stored uncompressed
	compressedV2 bool  // v2: whether the values are compressed
}

// thriftReader decodes the Thrift compact protocol from a byte reader,
// keeping the first error.
type thriftReader struct {
	r   io.ByteReader
	err error
}

// byte reads one byte.
func (t *thriftReader) byte() byte {
	if t.err != nil {
		return 0
	}
	b, err := t.r.ReadByte()
	if err != nil {
		t.err = err
	}
	return b
}

// uvarint reads an unsigned varint.
func (t *thriftReader) uvarint() uint64 {
	if t.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(t.r)
	if err != nil {
		t.err = err
	}
	return v
}

// i32 reads a zigzag-encoded 32-bit integer.
func (t *thriftReader) i32() int32 {
	v := uint32(t.uvarint())
	return int32(v>>1) ^ -int32(v&1)
}

// field reads a field header after field *last: its id and type, type 0 at
// the end of the struct. Boolean fields carry their value in the type
// (1 true, 2 false).
func (t *thriftReader) field(last *int16) (int16, byte) {
	b := t.byte()
	typ := b & 0x0f
	if typ == 0 || t.err != nil {
		return 0, 0
	}
	if d := int16(b >> 4); d != 0 {
		*last += d
	} else {
		*last = int16(t.i32())
	}
	return *last, typ
}

// skip skips a value of compact type typ; inList says whether it is a
// list or map element (where booleans take a byte).
func (t *thriftReader) skip(typ byte, inList bool, depth int) {
	if depth > 32 {
		t.err = errors.New("thrift: nested too deep")
		return
	}
	switch typ {
	case 1, 2:
		if inList {
			t.byte()
		}
	case 3:
		t.byte()
	case 4, 5, 6:
		t.uvarint()
	case 7:
		for range 8 {
			t.byte()
		}
	case 8:
		for n := t.uvarint(); n > 0 && t.err == nil; n-- {
			t.byte()
		}
	case 9, 10:
		h := t.byte()
		n := uint64(h >> 4)
		if n == 15 {
			n = t.uvarint()
		}
		for ; n > 0 && t.err == nil; n-- {
			t.skip(h&0x0f, true, depth+1)
		}
	case 11:
		n := t.uvarint()
		if n == 0 {
			return
		}
		kv := t.byte()
		for ; n > 0 && t.err == nil; n-- {
			t.skip(kv>>4, true, depth+1)
			t.skip(kv&0x0f, true, depth+1)
		}
	case 12:
		var last int16
		for t.err == nil {
			_, ft := t.field(&last)
			if ft == 0 {
				return
			}
			t.skip(ft, false, depth+1)
		}
	default:
		t.err = fmt.Errorf("thrift: unknown type %d", typ)
	}
}

// readPageHeader decodes one PageHeader.
func readPageHeader(r io.ByteReader) (pageHeader, error) {
	t := &thriftReader{r: r}
	h := pageHeader{compressedV2: true, defEncoding: encRLE}
	var last int16
	for t.err == nil {
		id, typ := t.field(&last)
		if typ == 0 {
			break
		}
		switch {
		case id == 1 && typ == thriftI32:
			h.typ = t.i32()
		case id == 2 && typ == thriftI32:
			h.uncompressed = t.i32()
		case id == 3 && typ == thriftI32:
			h.compressed = t.i32()
		case (id == 5 || id == 7 || id == 8) && typ == thriftStruct:
			var inner int16
			for t.err == nil {
				fid, ft := t.field(&inner)
				if ft == 0 {
					break
				}
				switch {
				case ft == thriftI32 && fid == 1:
					h.numValues = t.i32()
				case ft == thriftI32 && (id != 8 && fid == 2 || id == 8 && fid == 4):
					h.encoding = t.i32()
				case ft == thriftI32 && id == 5 && fid == 3:
					h.defEncoding = t.i32()
				case ft == thriftI32 && id == 8 && fid == 5:
					h.defBytes = t.i32()
				case ft == thriftI32 && id == 8 && fid == 6:
					h.repBytes = t.i32()
				case (ft == 1 || ft == 2) && id == 8 && fid == 7:
					h.compressedV2 = ft == 1
				default:
					t.skip(ft, false, 0)
				}
			}
		default:
			t.skip(typ, false, 0)
		}
	}
	if t.err != nil {
		return h, fmt.Errorf("reading page header: %w", t.err)
	}
	if h.uncompressed < 0 || h.compressed < 0 || h.numValues < 0 || h.defBytes < 0 || h.repBytes < 0 {
		return h, fmt.Errorf("page header with negative sizes")
	}
	return h, nil
}
