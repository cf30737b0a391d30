package table

import (
	"encoding/binary"
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
