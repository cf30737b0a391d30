package table

import (
	"encoding/binary"
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
