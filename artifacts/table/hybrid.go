package table

import (
	"encoding/binary"
	"errors"
	"fmt"
)

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

// errHybrid is the error for RLE / bit-packed runs that end early or hold
// no values.
var errHybrid = errors.New("corrupt RLE / bit-packed run")

// decodeHybrid appends to dst the n values of bit width w (0 to 32) that
// src encodes in Parquet's RLE / bit-packing hybrid encoding. Values past n
// in the last bit-packed group are dropped.
func decodeHybrid[T uint8 | int32](dst []T, src []byte, w, n int) ([]T, error) {
	if w < 0 || w > 32 {
		return dst, fmt.Errorf("bit width %d", w)
	}
	want := len(dst) + n
	valueBytes := (w + 7) / 8
	mask := uint64(1)<<w - 1
	for len(dst) < want {
		h, k := binary.Uvarint(src)
		if k <= 0 {
			return dst, errHybrid
		}
		src = src[k:]
		if h&1 == 0 {
			count := int(min(h>>1, uint64(want-len(dst))))
			if count == 0 || len(src) < valueBytes {
				return dst, errHybrid
			}
			var v uint64
			for b := range valueBytes {
				v |= uint64(src[b]) << (8 * b)
			}
			src = src[valueBytes:]
			if v > mask {
				return dst, errHybrid
			}
			for range count {
				dst = append(dst, T(v))
			}
			continue
		}
		groups := h >> 1
		if groups == 0 || groups > uint64(len(src)) {
			return dst, errHybrid
		}
		size := int(groups) * w
		if size > len(src) {
			return dst, errHybrid
		}
		packed := src[:size]
		src = src[size:]
		count := min(int(groups)*8, want-len(dst))
		if w == 0 {
			for range count {
				dst = append(dst, 0)
			}
			continue
		}
		for i := range count {
			bit := i * w
			at := bit >> 3
			var window uint64
			if at+8 <= len(packed) {
				window = binary.LittleEndian.Uint64(packed[at:])
			} else {
				for b := at; b < len(packed); b++ {
					window |= uint64(packed[b]) << (8 * (b - at))
				}
			}
			dst = append(dst, T((window>>(bit&7))&mask))
		}
	}
	return dst, nil
}
