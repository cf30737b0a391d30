package table

import (
	"encoding/binary"
	"errors"
	"math/bits"
)

// Parquet's DELTA_BINARY_PACKED layout as this package writes it: blocks
// of 128 values in 4 miniblocks of 32.
const (
	deltaBlock      = 128
	deltaMiniblocks = 4
	deltaMini       = deltaBlock / deltaMiniblocks
)

// deltaBound is the most bytes appendDelta writes for n values.
func deltaBound(n int) int { return 32 + (n/deltaBlock+1)*(10+deltaMiniblocks+deltaBlock*4) }

// appendDelta appends vals in Parquet's DELTA_BINARY_PACKED encoding (the
// lengths of a DELTA_LENGTH_BYTE_ARRAY page).
func appendDelta(dst []byte, vals []int32) []byte {
	dst = binary.AppendUvarint(dst, deltaBlock)
	dst = binary.AppendUvarint(dst, deltaMiniblocks)
	dst = binary.AppendUvarint(dst, uint64(len(vals)))
	if len(vals) == 0 {
		return binary.AppendVarint(dst, 0)
	}
	dst = binary.AppendVarint(dst, int64(vals[0]))
	var deltas [deltaBlock]int64
	for start := 1; start < len(vals); start += deltaBlock {
		n := min(deltaBlock, len(vals)-start)
		minDelta := int64(0)
		for i := range n {
			d := int64(vals[start+i]) - int64(vals[start+i-1])
			deltas[i] = d
			if i == 0 || d < minDelta {
				minDelta = d
			}
		}
		dst = binary.AppendVarint(dst, minDelta)
		var widths [deltaMiniblocks]int
		for m := range deltaMiniblocks {
			var or uint64
			for i := m * deltaMini; i < min((m+1)*deltaMini, n); i++ {
				or |= uint64(deltas[i] - minDelta)
			}
			widths[m] = bits.Len64(or)
			dst = append(dst, byte(widths[m]))
		}
		for m := range deltaMiniblocks {
			if m*deltaMini >= n {
				break // no body for miniblocks without values
			}
			w := widths[m]
			var acc uint64
			held := 0
			for i := m * deltaMini; i < (m+1)*deltaMini; i++ {
				var v uint64
				if i < n {
					v = uint64(deltas[i] - minDelta)
				}
				acc |= v << held
				held += w
				for held >= 8 {
					dst = append(dst, byte(acc))
					acc >>= 8
					held -= 8
				}
			}
		}
	}
	return dst
}

// errDelta is the error for a DELTA_BINARY_PACKED run that is malformed or
// ends early.
var errDelta = errors.New("corrupt DELTA_BINARY_PACKED values")

// deltaCount returns the number of values a DELTA_BINARY_PACKED run
// declares in its header.
func deltaCount(src []byte) (int, error) {
	pos := 0
	for range 2 { // block size, miniblocks per block
		_, k := binary.Uvarint(src[pos:])
		if k <= 0 {
			return 0, errDelta
		}
		pos += k
	}
	total, k := binary.Uvarint(src[pos:])
	if k <= 0 || total > 1<<31 {
		return 0, errDelta
	}
	return int(total), nil
}

// decodeDelta appends to dst the n 32-bit values that src encodes in
// DELTA_BINARY_PACKED and returns the bytes it used. The arithmetic is
// 64-bit and each value keeps its low 32 bits, which is the specification's
// wrap-around arithmetic of the 32-bit physical type: writers that compute
// the deltas in 64 bits (DuckDB does) store minimum deltas and bit widths
// past the 32-bit range, and the values still come out right.
func decodeDelta(dst []int32, src []byte, n int) ([]int32, int, error) {
	pos := 0
	uvarint := func() (uint64, bool) {
		v, k := binary.Uvarint(src[pos:])
		if k <= 0 {
			return 0, false
		}
		pos += k
		return v, true
	}
	varint := func() (int64, bool) {
		v, k := binary.Varint(src[pos:])
		if k <= 0 {
			return 0, false
		}
		pos += k
		return v, true
	}
	block, ok1 := uvarint()
	minis, ok2 := uvarint()
	total, ok3 := uvarint()
	first, ok4 := varint()
	if !ok1 || !ok2 || !ok3 || !ok4 || block == 0 || block%128 != 0 || minis == 0 || block%minis != 0 ||
		(block/minis)%32 != 0 || block > 1<<16 || minis > block {
		return dst, pos, errDelta
	}
	if total < uint64(n) {
		return dst, pos, errDelta
	}
	if n == 0 {
		return dst, pos, nil
	}
	mini := int(block / minis)
	prev := first
	dst = append(dst, int32(first))
	left := n - 1
	widths := make([]byte, minis)
	for left > 0 {
		minDelta, ok := varint()
		if !ok || pos+int(minis) > len(src) {
			return dst, pos, errDelta
		}
		copy(widths, src[pos:pos+int(minis)])
		pos += int(minis)
		for m := 0; m < int(minis) && left > 0; m++ {
			w := int(widths[m])
			if w > 64 {
				return dst, pos, errDelta
			}
			size := mini * w / 8
			if pos+size > len(src) {
				return dst, pos, errDelta
			}
			body := src[pos : pos+size]
			pos += size
			for i := range min(mini, left) {
				var v uint64
				if w > 0 {
					bit := i * w
					v = readBits(body, bit, w)
				}
				prev += minDelta + int64(v)
				dst = append(dst, int32(prev))
			}
			left -= min(mini, left)
		}
	}
	return dst, pos, nil
}

// readBits returns the w bits (1 to 64) of b from bit offset bit, least
// significant bit first.
func readBits(b []byte, bit, w int) uint64 {
	var v uint64
	got := 0
	for got < w {
		at := (bit + got) >> 3
		off := (bit + got) & 7
		take := min(8-off, w-got)
		v |= uint64(b[at]>>off&(1<<take-1)) << got
		got += take
	}
	return v
}
