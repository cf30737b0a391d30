package table

import (
	"bytes"

	"github.com/zeebo/xxh3"
)

// byteDict is the dictionary of one byte-array column chunk being written:
// its distinct values in order of first appearance, found again through an
// open-addressing hash table. Its buffers are kept from one row group to
// the next.
type byteDict struct {
	slots   []int32  // entry+1, 0 when free; the length is a power of two
	hashes  []uint64 // per entry
	offsets []int32  // entry i is data[offsets[i]:offsets[i+1]]
	data    []byte
}

// reset empties the dictionary, keeping its buffers.
func (d *byteDict) reset() {
	clear(d.slots)
	d.hashes = d.hashes[:0]
	d.offsets = append(d.offsets[:0], 0)
	d.data = d.data[:0]
}

// len returns the number of entries.
func (d *byteDict) len() int { return len(d.hashes) }

// entry returns entry i.
func (d *byteDict) entry(i int32) []byte { return d.data[d.offsets[i]:d.offsets[i+1]] }

// insert returns v's entry, adding it when new.
func (d *byteDict) insert(v []byte) int32 {
	if len(d.offsets) == 0 {
		d.offsets = append(d.offsets, 0)
	}
	if 2*(len(d.hashes)+1) > len(d.slots) {
		d.grow()
	}
	h := xxh3.Hash(v)
	mask := uint64(len(d.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := d.slots[i]
		if s == 0 {
			e := int32(len(d.hashes))
			d.slots[i] = e + 1
			d.hashes = append(d.hashes, h)
			d.data = doubling(d.data, len(v))
			d.data = append(d.data, v...)
			d.offsets = append(d.offsets, int32(len(d.data)))
			return e
		}
		if e := s - 1; d.hashes[e] == h && bytes.Equal(d.entry(e), v) {
			return e
		}
	}
}

// grow doubles the hash table and re-inserts the entries.
func (d *byteDict) grow() {
	n := max(2*len(d.slots), 1024)
	d.slots = make([]int32, n)
	mask := uint64(n - 1)
	for e, h := range d.hashes {
		i := h & mask
		for d.slots[i] != 0 {
			i = (i + 1) & mask
		}
		d.slots[i] = int32(e) + 1
	}
}
