package table

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
