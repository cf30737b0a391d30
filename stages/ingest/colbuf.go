package ingest

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// colBuf gathers one column's values for a batch in plain Go slices that
// are reused from batch to batch: the table writer encodes a batch before
// Write returns and keeps none of its buffers, so after warm-up a batch
// costs no allocation, no zeroing and no growing copies (which Arrow's
// builders spend on every batch).
type colBuf struct {
	typ     colType
	valid   []bool // per row; read only when nulls > 0
	nulls   int
	offsets []int32 // typeString: len(rows)+1 once a row is added
	data    []byte  // typeString
	ints    []int64
	floats  []float64
	bools   []bool
}

// add appends one value.
func (c *colBuf) add(v value) {
	c.valid = append(c.valid, !v.null)
	if v.null {
		c.nulls++
	}
	switch c.typ {
	case typeString:
		if len(c.offsets) == 0 {
			c.offsets = append(c.offsets, 0)
		}
		if !v.null {
			c.data = append(c.data, v.s...)
		}
		c.offsets = append(c.offsets, int32(len(c.data)))
	case typeInt:
		c.ints = append(c.ints, v.i)
	case typeFloat:
		c.floats = append(c.floats, v.f)
	case typeBool:
		c.bools = append(c.bools, v.b)
	}
}

// array returns the gathered values as an Arrow array of type dt that
// aliases the buffers; it is valid until reset.
func (c *colBuf) array(dt arrow.DataType) arrow.Array {
	n := len(c.valid)
	var bufs []*memory.Buffer
	switch c.typ {
	case typeString:
		bufs = []*memory.Buffer{c.bitmap(), memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.offsets)),
			memory.NewBufferBytes(c.data)}
	case typeInt:
		bufs = []*memory.Buffer{c.bitmap(), memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(c.ints))}
	case typeFloat:
		bufs = []*memory.Buffer{c.bitmap(), memory.NewBufferBytes(arrow.Float64Traits.CastToBytes(c.floats))}
	case typeBool:
		bits := make([]byte, bitutil.BytesForBits(int64(n)))
		for i, b := range c.bools {
			if b {
				bitutil.SetBit(bits, i)
			}
		}
		bufs = []*memory.Buffer{c.bitmap(), memory.NewBufferBytes(bits)}
	}
	d := array.NewData(dt, n, bufs, nil, c.nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// bitmap returns the validity bitmap, or nil when no value is null.
func (c *colBuf) bitmap() *memory.Buffer {
	if c.nulls == 0 {
		return nil
	}
	bits := make([]byte, bitutil.BytesForBits(int64(len(c.valid))))
	for i, ok := range c.valid {
		if ok {
			bitutil.SetBit(bits, i)
		}
	}
	return memory.NewBufferBytes(bits)
}

// reset empties the column, keeping its buffers.
func (c *colBuf) reset() {
	c.valid, c.nulls = c.valid[:0], 0
	c.offsets, c.data = c.offsets[:0], c.data[:0]
	c.ints, c.floats, c.bools = c.ints[:0], c.floats[:0], c.bools[:0]
}
