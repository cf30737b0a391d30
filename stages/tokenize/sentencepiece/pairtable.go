package sentencepiece

import "math/bits"

// pairTable maps a pair of symbol ids to the piece they merge into. It is an
// open-addressing hash table, faster than a Go map for this hot lookup.
type pairTable struct {
	keys  []uint64 // left<<32 | right, or emptyPairKey
	vals  []int32
	mask  uint64
	shift uint
}

const emptyPairKey = ^uint64(0)

func pairKey(left, right int32) uint64 { return uint64(uint32(left))<<32 | uint64(uint32(right)) }

func newPairTable(n int) *pairTable {
	size := 1 << bits.Len(uint(n*2+1))
	t := &pairTable{
		keys:  make([]uint64, size),
		vals:  make([]int32, size),
		mask:  uint64(size - 1),
		shift: uint(64 - bits.Len(uint(size-1))),
	}
	for i := range t.keys {
		t.keys[i] = emptyPairKey
	}
	return t
}

func (t *pairTable) slot(key uint64) uint64 {
	return (key * 0x9E3779B97F4A7C15) >> t.shift & t.mask
}

// put records key → val; the first value recorded for a key stays.
func (t *pairTable) put(key uint64, val int32) {
	for i := t.slot(key); ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case emptyPairKey:
			t.keys[i], t.vals[i] = key, val
			return
		case key:
			return
		}
	}
}

// get returns the value for key, or -1.
func (t *pairTable) get(key uint64) int32 {
	for i := t.slot(key); ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case key:
			return t.vals[i]
		case emptyPairKey:
			return -1
		}
	}
}
