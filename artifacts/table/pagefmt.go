package table

import "encoding/binary"

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

// hybridBound is the most bytes appendHybrid writes for n values of bit
// width 1: at worst every 8 values cost two bytes, plus one header.
func hybridBound(n int) int { return n/4 + 16 }

// appendHybrid appends vals in Parquet's RLE / bit-packing hybrid encoding
// at bit width w (1 to 32): runs of 8 or more equal values starting at a
// multiple of 8 become RLE runs, everything else is bit-packed in groups of
// 8 (the last group padded with zeros).
func appendHybrid[T uint8 | int32](dst []byte, vals []T, w int) []byte {
	n := len(vals)
	runAt := func(i int) int {
		j := i + 1
		for j < n && vals[j] == vals[i] {
			j++
		}
		return j - i
	}
	valueBytes := (w + 7) / 8
	for i := 0; i < n; {
		if r := runAt(i); r >= 8 {
			dst = appendVarint(dst, uint64(r)<<1)
			v := uint32(vals[i])
			for k := range valueBytes {
				dst = append(dst, byte(v>>(8*k)))
			}
			i += r
			continue
		}
		start := i
		for i < n && (i == start || runAt(i) < 8) {
			i += 8
		}
		end := min(i, n)
		groups := (i - start) / 8
		dst = appendVarint(dst, uint64(groups)<<1|1)
		var acc uint64
		bits := 0
		for k := start; k < start+groups*8; k++ {
			var v uint64
			if k < end {
				v = uint64(uint32(vals[k]))
			}
			acc |= v << bits
			bits += w
			for bits >= 8 {
				dst = append(dst, byte(acc))
				acc >>= 8
				bits -= 8
			}
		}
		// groups of 8 values always fill whole bytes
		i = end
	}
	return dst
}
