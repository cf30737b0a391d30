package table

import (
	"errors"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// decodeOwnPages selects the page cursor for the column chunks it decodes;
// tests turn it off to compare with arrow-go's column readers.
var decodeOwnPages = true

// readOwn decodes the column's next n rows with its page cursor.
func (c *flatColumn) readOwn(n int) (arrow.Array, error) {
	switch c.typ.ID() {
	case arrow.STRING, arrow.BINARY:
		return c.readOwnBytes(n)
	case arrow.DICTIONARY:
		return c.readOwnDict(n)
	case arrow.BOOL:
		return c.readOwnBools(n)
	}
	return c.readOwnFixed(n)
}

// rows walks the next n rows page by page: for each run of rows of one
// page it calls f with the run's first row, its length and its definition
// levels (nil when the column has none).
func (c *flatColumn) rows(n int, f func(at, k int, defs []uint8) error) error {
	p := c.pc
	for got := 0; got < n; {
		if p.pageLeft == 0 {
			if err := p.nextPage(); err != nil {
				return err
			}
		}
		k := min(n-got, p.pageLeft)
		if err := f(got, k, p.take(k)); err != nil {
			return err
		}
		got += k
	}
	return nil
}

// ownValidity returns a validity bitmap for n rows (nil when the column
// has no definition levels).
func (c *flatColumn) ownValidity(n int) []byte {
	if c.maxDef == 0 {
		return nil
	}
	return make([]byte, bitutil.BytesForBits(int64(n)))
}

// validityBuffer returns bits as a validity buffer, or nil without nulls.
func validityBuffer(bits []byte, nulls int) *memory.Buffer {
	if nulls == 0 {
		return nil
	}
	return memory.NewBufferBytes(bits)
}

// readOwnBytes decodes n string or binary rows into one data buffer,
// allocated without being zeroed first (every byte is written before it
// is read, and zeroing a batch of text cost as much as copying it), or
// taken from the reader's recycler.
func (c *flatColumn) readOwnBytes(n int) (arrow.Array, error) {
	p := c.pc
	if p.pageLeft == 0 {
		if err := p.nextPage(); err != nil {
			return nil, err
		}
	}
	if p.pageLeft >= n && p.deltaLen && p.inPage {
		return c.takeOwnBytes(n)
	}
	offsets := make([]int32, n+1)
	var data []byte
	if c.recycle != nil {
		data = c.recycle.get(int(c.perRow*float64(n)) + 64)
	} else {
		data = uninitialized(int(c.perRow*float64(n)) + 64)
	}
	bits := c.ownValidity(n)
	nulls := 0
	err := c.rows(n, func(at, k int, defs []uint8) error {
		for r := range k {
			if defs != nil && defs[r] == 0 {
				nulls++
				offsets[at+r+1] = int32(len(data))
				continue
			}
			if bits != nil {
				bitutil.SetBit(bits, at+r)
			}
			v, err := p.nextBytes()
			if err != nil {
				return err
			}
			if len(data)+len(v) > maxValues {
				return fmt.Errorf("over 2 GiB of values in %d rows", n)
			}
			if cap(data)-len(data) < len(v) {
				// Grow once for the rows still to come, at the rate so far.
				rate := float64(len(data)+len(v)) / float64(at+r+1)
				data = grow(data, len(v)+int(rate*float64(n-at-r-1)*1.125), c.recycle)
			}
			data = append(data, v...)
			offsets[at+r+1] = int32(len(data))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.perRow = float64(len(data)) / float64(n) * 1.0625
	values := memory.NewBufferBytes(data)
	if c.recycle != nil {
		values = memory.NewBufferWithAllocator(data, c.recycle)
	}
	bufs := []*memory.Buffer{validityBuffer(bits, nulls), memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offsets)), values}
	d := array.NewData(c.typ, n, bufs, nil, nulls, 0)
	defer d.Release()
	values.Release() // d holds it now
	return array.MakeFromData(d), nil
}

// takeOwnBytes returns the next n rows of the open DELTA_LENGTH_BYTE_ARRAY
// page, whose values lie back to back in the decompressed page: the array
// takes them as they are, and shares the page buffer with any other batch
// that takes rows of the page.
func (c *flatColumn) takeOwnBytes(n int) (arrow.Array, error) {
	p := c.pc
	defs := p.take(n)
	offsets := make([]int32, n+1)
	bits := c.ownValidity(n)
	nulls := 0
	start := p.vpos
	for r := range n {
		if defs != nil && defs[r] == 0 {
			nulls++
			offsets[r+1] = offsets[r]
			continue
		}
		if bits != nil {
			bitutil.SetBit(bits, r)
		}
		if p.ipos >= len(p.lens) {
			return nil, errors.New("page has fewer values than levels")
		}
		l := p.lens[p.ipos]
		p.ipos++
		if int64(offsets[r])+int64(l) > maxValues {
			return nil, fmt.Errorf("over 2 GiB of values in %d rows", n)
		}
		offsets[r+1] = offsets[r] + l
	}
	p.vpos += int(offsets[n])
	data := p.vals[start:p.vpos:p.vpos]
	p.lent = true
	values := memory.NewBufferBytes(data)
	if c.recycle != nil {
		if p.owner == nil {
			// The cursor holds the page too until it moves past it.
			p.owner = &pageOwner{rec: c.recycle, page: p.page}
			p.owner.refs.Store(1)
		}
		p.owner.refs.Add(1)
		values = memory.NewBufferWithAllocator(data, p.owner)
	}
	bufs := []*memory.Buffer{validityBuffer(bits, nulls), memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offsets)), values}
	d := array.NewData(c.typ, n, bufs, nil, nulls, 0)
	defer d.Release()
	if c.recycle != nil {
		values.Release() // d holds it now
	}
	return array.MakeFromData(d), nil
}

// readOwnFixed decodes n rows of a 32- or 64-bit integer or float column.
func (c *flatColumn) readOwnFixed(n int) (arrow.Array, error) {
	p := c.pc
	w := fixedWidth(p.phys)
	if w == 0 {
		return nil, fmt.Errorf("physical type %s read as %s", p.phys, c.typ)
	}
	out := make([]byte, n*w)
	bits := c.ownValidity(n)
	nulls := 0
	err := c.rows(n, func(at, k int, defs []uint8) error {
		if !p.dictPage && (defs == nil || !hasNull(defs)) {
			if p.vpos+k*w > len(p.vals) {
				return errors.New("page has fewer values than levels")
			}
			copy(out[at*w:(at+k)*w], p.vals[p.vpos:])
			p.vpos += k * w
			if bits != nil {
				setBits(bits, at, k)
			}
			return nil
		}
		for r := range k {
			if defs != nil && defs[r] == 0 {
				nulls++
				continue
			}
			if bits != nil {
				bitutil.SetBit(bits, at+r)
			}
			v, err := p.nextFixed(w)
			if err != nil {
				return err
			}
			copy(out[(at+r)*w:], v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	d := array.NewData(c.typ, n, []*memory.Buffer{validityBuffer(bits, nulls), memory.NewBufferBytes(out)}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d), nil
}

// readOwnBools decodes n boolean rows.
func (c *flatColumn) readOwnBools(n int) (arrow.Array, error) {
	p := c.pc
	out := make([]byte, bitutil.BytesForBits(int64(n)))
	bits := c.ownValidity(n)
	nulls := 0
	err := c.rows(n, func(at, k int, defs []uint8) error {
		for r := range k {
			if defs != nil && defs[r] == 0 {
				nulls++
				continue
			}
			if bits != nil {
				bitutil.SetBit(bits, at+r)
			}
			v, err := p.nextBool()
			if err != nil {
				return err
			}
			if v {
				bitutil.SetBit(out, at+r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	d := array.NewData(arrow.FixedWidthTypes.Boolean, n, []*memory.Buffer{validityBuffer(bits, nulls), memory.NewBufferBytes(out)}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d), nil
}

// readOwnDict decodes n rows of a dictionary-encoded string or binary
// column as indices into the chunk's dictionary, which batches of one row
// group share.
func (c *flatColumn) readOwnDict(n int) (arrow.Array, error) {
	p := c.pc
	indices := make([]int32, n)
	bits := c.ownValidity(n)
	nulls := 0
	err := c.rows(n, func(at, k int, defs []uint8) error {
		if !p.dictPage {
			return errors.New("plain page in a column whose chunks are all dictionary-encoded")
		}
		if defs == nil || !hasNull(defs) {
			if p.ipos+k > len(p.idx) {
				return errors.New("page has fewer values than levels")
			}
			copy(indices[at:at+k], p.idx[p.ipos:])
			p.ipos += k
			if bits != nil {
				setBits(bits, at, k)
			}
			return nil
		}
		for r := range k {
			if defs != nil && defs[r] == 0 {
				nulls++
				continue
			}
			if bits != nil {
				bitutil.SetBit(bits, at+r)
			}
			if p.ipos >= len(p.idx) {
				return errors.New("page has fewer values than levels")
			}
			indices[at+r] = p.idx[p.ipos]
			p.ipos++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if c.ownDict == nil || c.ownDictGen != p.dictGen {
		if c.ownDict != nil {
			c.ownDict.Release()
		}
		offs := p.dictOffs
		if offs == nil {
			offs = []int32{0}
		}
		valueType := c.typ.(*arrow.DictionaryType).ValueType
		entries := memory.NewBufferBytes(p.dictData)
		if p.dictOwner != nil {
			p.dictOwner.refs.Add(1) // the dictionary array's, freed when it is released
			entries = memory.NewBufferWithAllocator(p.dictData, p.dictOwner)
		}
		c.ownDict = array.NewData(valueType, len(offs)-1, []*memory.Buffer{nil,
			memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offs)), entries}, nil, 0, 0)
		if p.dictOwner != nil {
			entries.Release() // c.ownDict holds it now
		}
		c.ownDictGen = p.dictGen
	}
	data := array.NewDataWithDictionary(c.typ, n, []*memory.Buffer{validityBuffer(bits, nulls),
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(indices))}, nulls, 0, c.ownDict)
	defer data.Release()
	return array.MakeFromData(data), nil
}

// hasNull reports whether some definition level is below 1.
func hasNull(defs []uint8) bool {
	for _, d := range defs {
		if d == 0 {
			return true
		}
	}
	return false
}

// setBits sets k bits of bits from bit at.
func setBits(bits []byte, at, k int) {
	bitutil.SetBitsTo(bits, int64(at), int64(k), true)
}

// maxValues is the most bytes one batch's string column may hold.
const maxValues = math.MaxInt32
