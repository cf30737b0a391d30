package table

import (
	"context"
	"fmt"
	"io"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// batchBytes caps the string bytes a batch copies out of a dictionary,
// so that they are written to memory the cache still holds.
const batchBytes = 1 << 20

// flatReader decodes the flat (neither repeated nor nested) columns of
// strings, binaries, 32/64-bit integers and floats, and booleans straight
// from Parquet's column readers into Arrow buffers sized once per batch,
// and reads every other selected column with arrow-go's column reader
// (pqarrow), batch by batch alongside. String values are copied page by page from the decoded
// page (plain encoding) or from the dictionary (dictionary encoding) into
// one data buffer, so a dictionary-encoded column is materialised at its
// exact size instead of through a growing builder. A batch never spans row
// groups.
type flatReader struct {
	pq     *file.Reader
	file   io.ReaderAt
	own    bool // every flat column's chunks are decoded by page cursors
	align  int  // with own: the widest materialised byte-array column, whose pages batches end with (-1: none)
	schema *arrow.Schema
	cols   []flatColumn
	rg     int   // next row group to open
	left   int64 // rows left in the open row group
}

// flatColumn is one selected column and its decoding state.
type flatColumn struct {
	leaf   int
	name   string
	typ    arrow.DataType
	maxDef int16
	phys   parquet.Type
	cr     file.ColumnChunkReader // when not decoded by pc
	pc     *pageCursor
	defs   []int16
	vals   []parquet.ByteArray
	perRow float64   // bytes per string value in the last batch, to size the next
	dict   dictState // for a column read as an Arrow dictionary (through cr)

	recycle    *recycler   // the reader's, with Reader.RecycleBatches
	ownDict    *array.Data // the dictionary a page cursor's batches share
	ownDictGen int         // the cursor's dictionary that ownDict holds

	nested *pqarrow.ColumnReader // instead of cr, for a column arrow-go assembles
	conv   *conversion           // of what nested reads, or nil
}

// newFlatReader returns a flatReader for the given top-level fields of the
// file (indices into fr's manifest; their schema sch, in order, converted
// as c says). With dicts, flat string and binary columns whose pages are
// all dictionary-encoded are read as Arrow dictionaries (and typed so in
// the reader's schema).
func newFlatReader(pq *file.Reader, f io.ReaderAt, pfr *pqarrow.FileReader, c *compat, sch *arrow.Schema, fieldIdx []int, dicts bool) (*flatReader, error) {
	fr := &flatReader{pq: pq, file: f, schema: sch, own: decodeOwnPages, align: -1}
	fields := sch.Fields()
	for i, fi := range fieldIdx {
		f := sch.Field(i)
		mf := &pfr.Manifest.Fields[fi]
		leaf := mf.ColIndex
		if len(mf.Children) != 0 || leaf < 0 || !isFlat(pq, leaf, f.Type) {
			cr, err := pfr.GetColumn(context.Background(), fi)
			if err != nil {
				fr.release()
				return nil, fmt.Errorf("column %q: %w", f.Name, err)
			}
			fr.cols = append(fr.cols, flatColumn{leaf: -1, name: f.Name, typ: f.Type, nested: cr, conv: c.plan(*mf.Field)})
			continue
		}
		descr := pq.MetaData().Schema.Column(leaf)
		if dicts && (f.Type.ID() == arrow.STRING || f.Type.ID() == arrow.BINARY) && allDictionary(pq.MetaData(), leaf) {
			f.Type = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: f.Type}
			fields[i] = f
		}
		fr.cols = append(fr.cols, flatColumn{leaf: leaf, name: f.Name, typ: f.Type, maxDef: descr.MaxDefinitionLevel(),
			phys: descr.PhysicalType()})
		for rg := range pq.NumRowGroups() {
			if cc, err := pq.MetaData().RowGroup(rg).ColumnChunk(leaf); err != nil || !ownDecodable(cc) {
				fr.own = false
			}
		}
	}
	if dicts {
		md := sch.Metadata()
		fr.schema = arrow.NewSchema(fields, &md)
	}
	if fr.own {
		widest := int64(0)
		for i, c := range fr.cols {
			if c.typ.ID() != arrow.STRING && c.typ.ID() != arrow.BINARY {
				continue
			}
			size := int64(0)
			for rg := range pq.NumRowGroups() {
				if cc, err := pq.MetaData().RowGroup(rg).ColumnChunk(c.leaf); err == nil {
					size += cc.TotalUncompressedSize()
				}
			}
			if size > widest {
				fr.align, widest = i, size
			}
		}
	}
	return fr, nil
}

// isFlat reports whether leaf is a top-level column that is neither
// repeated nor nested, of a type the flat reader decodes into dt.
func isFlat(pq *file.Reader, leaf int, dt arrow.DataType) bool {
	descr := pq.MetaData().Schema.Column(leaf)
	if descr.MaxRepetitionLevel() != 0 || descr.MaxDefinitionLevel() > 1 {
		return false
	}
	if parent := descr.SchemaNode().Parent(); parent == nil || parent != schema.Node(pq.MetaData().Schema.Root()) {
		return false
	}
	return flatPhysical(dt, descr.PhysicalType())
}

// release releases the arrow-go column readers.
func (fr *flatReader) release() {
	for i := range fr.cols {
		if fr.cols[i].nested != nil {
			fr.cols[i].nested.Release()
			fr.cols[i].nested = nil
		}
	}
}

// flatPhysical reports whether the flat reader decodes Parquet's physical
// type pt into Arrow type dt.
func flatPhysical(dt arrow.DataType, pt parquet.Type) bool {
	switch dt.ID() {
	case arrow.DICTIONARY:
		return false
	case arrow.STRING, arrow.BINARY:
		return pt == parquet.Types.ByteArray
	case arrow.INT64, arrow.UINT64:
		return pt == parquet.Types.Int64
	case arrow.INT32, arrow.UINT32:
		return pt == parquet.Types.Int32
	case arrow.FLOAT64:
		return pt == parquet.Types.Double
	case arrow.FLOAT32:
		return pt == parquet.Types.Float
	case arrow.BOOL:
		return pt == parquet.Types.Boolean
	}
	return false
}

// advance opens the next row group that has rows, unless the open one has
// rows left; at the end of the file it returns io.EOF.
func (fr *flatReader) advance() error {
	for fr.left == 0 {
		if fr.rg >= fr.pq.NumRowGroups() {
			return io.EOF
		}
		rgr := fr.pq.RowGroup(fr.rg)
		for i := range fr.cols {
			c := &fr.cols[i]
			if c.nested != nil {
				continue
			}
			if fr.own {
				cc, err := rgr.MetaData().ColumnChunk(c.leaf)
				if err == nil {
					if c.pc == nil {
						c.pc = &pageCursor{recycle: c.recycle}
					}
					err = c.pc.reset(fr.file, fr.pq.MetaData(), cc, c.phys, c.maxDef)
				}
				if err != nil {
					return fmt.Errorf("row group %d, column %q: %w", fr.rg, c.name, err)
				}
				continue
			}
			cr, err := fr.columnChunk(rgr, &fr.cols[i])
			if err != nil {
				return fmt.Errorf("row group %d, column %q: %w", fr.rg, fr.cols[i].name, err)
			}
			fr.cols[i].cr = cr
			if fr.cols[i].typ.ID() == arrow.DICTIONARY {
				var size int64
				if cc, err := rgr.MetaData().ColumnChunk(fr.cols[i].leaf); err == nil {
					size = cc.TotalUncompressedSize()
				}
				fr.cols[i].dict.reset(size)
			}
		}
		fr.left = rgr.NumRows()
		fr.rg++
	}
	return nil
}

// columnChunk returns the reader of a flat column's chunk in row group
// rgr: arrow-go's, over deltaPages for INT32 delta-encoded chunks.
func (fr *flatReader) columnChunk(rgr *file.RowGroupReader, c *flatColumn) (file.ColumnChunkReader, error) {
	cc, err := rgr.MetaData().ColumnChunk(c.leaf)
	if err != nil || !usesDelta(cc) {
		return rgr.Column(c.leaf)
	}
	pr, err := rgr.GetColumnPageReader(c.leaf)
	if err != nil {
		return nil, fmt.Errorf("parquet: unable to initialize page reader: %w", err)
	}
	descr := fr.pq.MetaData().Schema.Column(c.leaf)
	pages := &deltaPages{PageReader: pr, maxDef: descr.MaxDefinitionLevel(), maxRep: descr.MaxRepetitionLevel()}
	return file.NewColumnReader(descr, pages, memory.DefaultAllocator, fr.pq.BufferPool()), nil
}

// next decodes the next batch of at most BatchRows rows, or returns io.EOF.
func (fr *flatReader) next() (arrow.RecordBatch, error) {
	if err := fr.advance(); err != nil {
		return nil, err
	}
	n := min(fr.left, BatchRows)
	if fr.align >= 0 {
		// End the batch with the widest text column's page, whose values
		// then become the batch's without being copied.
		p := fr.cols[fr.align].pc
		if p.pageLeft == 0 {
			if err := p.nextPage(); err != nil {
				return nil, fmt.Errorf("row group %d, column %q: %w", fr.rg-1, fr.cols[fr.align].name, err)
			}
		}
		if p.deltaLen && p.inPage {
			n = min(n, int64(p.pageLeft))
		} else if per := fr.cols[fr.align].perRow; per > 0 {
			n = min(n, max(64, int64(batchBytes/per)))
		}
	}
	arrs := make([]arrow.Array, len(fr.cols))
	defer func() {
		for _, a := range arrs {
			if a != nil {
				a.Release()
			}
		}
	}()
	for i := range fr.cols {
		a, err := fr.cols[i].read(int(n))
		if err != nil {
			return nil, fmt.Errorf("row group %d, column %q: %w", fr.rg-1, fr.cols[i].name, err)
		}
		arrs[i] = a
	}
	fr.left -= n
	return array.NewRecordBatch(fr.schema, arrs, n), nil
}

// read decodes the column's next n rows.
func (c *flatColumn) read(n int) (arrow.Array, error) {
	if c.nested != nil {
		return c.readNested(n)
	}
	if c.pc != nil {
		return c.readOwn(n)
	}
	if cap(c.defs) < n {
		c.defs = make([]int16, n)
	}
	defs := c.defs[:n]
	if c.maxDef == 0 {
		defs = nil
	}
	a, err := c.readAs(n, defs)
	if err != nil {
		if cerr := c.cr.Err(); cerr != nil {
			return nil, cerr
		}
	}
	return a, err
}

// readNested reads the next n rows of a column arrow-go assembles, as
// one array converted as planned.
func (c *flatColumn) readNested(n int) (arrow.Array, error) {
	ch, err := c.nested.NextBatch(int64(n))
	if err != nil {
		return nil, err
	}
	defer ch.Release()
	if ch.Len() != n {
		return nil, fmt.Errorf("read %d rows, want %d", ch.Len(), n)
	}
	var a arrow.Array
	if len(ch.Chunks()) == 1 {
		a = ch.Chunk(0)
		a.Retain()
	} else {
		a, err = array.Concatenate(ch.Chunks(), memory.DefaultAllocator)
		if err != nil {
			return nil, err
		}
	}
	defer a.Release()
	fixed, err := dropNullListEntries(a)
	if err != nil {
		return nil, err
	}
	defer fixed.Release()
	return c.conv.apply(fixed)
}

// readAs decodes n rows with the reader of the column's physical type.
func (c *flatColumn) readAs(n int, defs []int16) (arrow.Array, error) {
	switch cr := c.cr.(type) {
	case *file.ByteArrayColumnChunkReader:
		if c.typ.ID() == arrow.DICTIONARY {
			return c.readDict(cr, n, defs)
		}
		return c.readBytes(cr, n, defs)
	case *file.Int64ColumnChunkReader:
		return readFixed(c.typ, n, defs, c.maxDef, cr.ReadBatch)
	case *file.Int32ColumnChunkReader:
		return readFixed(c.typ, n, defs, c.maxDef, cr.ReadBatch)
	case *file.Float64ColumnChunkReader:
		return readFixed(c.typ, n, defs, c.maxDef, cr.ReadBatch)
	case *file.Float32ColumnChunkReader:
		return readFixed(c.typ, n, defs, c.maxDef, cr.ReadBatch)
	case *file.BooleanColumnChunkReader:
		return readBools(n, defs, c.maxDef, cr)
	}
	return nil, fmt.Errorf("unexpected column reader %T", c.cr)
}

// readBytes decodes n string or binary values, one page at a time, copying
// each page's values into the batch's data buffer before the next page
// replaces them.
func (c *flatColumn) readBytes(cr *file.ByteArrayColumnChunkReader, n int, defs []int16) (arrow.Array, error) {
	if cap(c.vals) < n {
		c.vals = make([]parquet.ByteArray, n)
	}
	offsets := make([]int32, n+1)
	// The values are gathered in a buffer that is not zeroed first (every
	// byte is written before it is read, and zeroing the batch's text
	// first cost as much as copying it), or in a released batch's buffer
	// from the reader's recycler.
	var data []byte
	if c.recycle != nil {
		data = c.recycle.get(int(c.perRow*float64(n)) + 64)
	} else {
		data = uninitialized(int(c.perRow*float64(n)) + 64)
	}
	got, nulls := 0, 0
	for got < n {
		var d []int16
		if defs != nil {
			d = defs[got:]
		}
		lv, nv, err := cr.ReadBatchInPage(int64(n-got), c.vals[:n-got], d, nil)
		if err != nil {
			return nil, err
		}
		if lv == 0 {
			return nil, fmt.Errorf("column chunk ended %d rows early", n-got)
		}
		v := c.vals[:nv]
		size := 0
		for _, b := range v {
			size += len(b)
		}
		if need := len(data) + size; need > cap(data) {
			// Grow once for this page and, at the rate seen so far, the
			// rows still to come.
			more := float64(need) / float64(got+int(lv)) * float64(n-got-int(lv)) * 1.125
			data = grow(data, size+int(more), c.recycle)
		}
		if len(data)+size > math.MaxInt32 {
			return nil, fmt.Errorf("over 2 GiB of values in %d rows", n)
		}
		k := 0
		for r := range int(lv) {
			if d != nil && d[r] < c.maxDef {
				nulls++
			} else {
				data = append(data, v[k]...)
				k++
			}
			offsets[got+r+1] = int32(len(data))
		}
		got += int(lv)
	}
	c.perRow = float64(len(data)) / float64(n) * 1.0625
	values := memory.NewBufferBytes(data)
	if c.recycle != nil {
		values = memory.NewBufferWithAllocator(data, c.recycle)
	}
	bufs := []*memory.Buffer{validity(defs, c.maxDef, nulls), memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offsets)), values}
	d := array.NewData(c.typ, n, bufs, nil, nulls, 0)
	defer d.Release()
	if c.recycle != nil {
		values.Release() // d holds it now
	}
	return array.MakeFromData(d), nil
}

// fixedValue is a fixed-width Parquet value type that Arrow lays out the same.
type fixedValue interface {
	int32 | int64 | float32 | float64
}

// readFixed decodes n fixed-width values with read (a typed ReadBatch),
// spreading them over the rows that are not null.
func readFixed[T fixedValue](dt arrow.DataType, n int, defs []int16, maxDef int16,
	read func(int64, []T, []int16, []int16) (int64, int, error)) (arrow.Array, error) {
	vals := make([]T, n)
	got, nv := 0, 0
	for got < n {
		var d []int16
		if defs != nil {
			d = defs[got:]
		}
		lv, k, err := read(int64(n-got), vals[nv:], d, nil)
		if err != nil {
			return nil, err
		}
		if lv == 0 {
			return nil, fmt.Errorf("column chunk ended %d rows early", n-got)
		}
		got += int(lv)
		nv += k
	}
	nulls := n - nv
	if nulls > 0 {
		// Spread the dense values to their rows, from the back.
		k := nv
		for r := n - 1; r >= 0; r-- {
			if defs[r] < maxDef {
				var zero T
				vals[r] = zero
				continue
			}
			k--
			vals[r] = vals[k]
		}
	}
	bufs := []*memory.Buffer{validity(defs, maxDef, nulls), memory.NewBufferBytes(arrow.GetBytes(vals))}
	d := array.NewData(dt, n, bufs, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d), nil
}

// readBools decodes n booleans into a bitmap.
func readBools(n int, defs []int16, maxDef int16, cr *file.BooleanColumnChunkReader) (arrow.Array, error) {
	vals := make([]bool, n)
	got, nv := 0, 0
	for got < n {
		var d []int16
		if defs != nil {
			d = defs[got:]
		}
		lv, k, err := cr.ReadBatch(int64(n-got), vals[nv:], d, nil)
		if err != nil {
			return nil, err
		}
		if lv == 0 {
			return nil, fmt.Errorf("column chunk ended %d rows early", n-got)
		}
		got += int(lv)
		nv += k
	}
	bits := make([]byte, bitutil.BytesForBits(int64(n)))
	k := 0
	for r := range n {
		if defs != nil && defs[r] < maxDef {
			continue
		}
		if vals[k] {
			bitutil.SetBit(bits, r)
		}
		k++
	}
	nulls := n - nv
	bufs := []*memory.Buffer{validity(defs, maxDef, nulls), memory.NewBufferBytes(bits)}
	d := array.NewData(arrow.FixedWidthTypes.Boolean, n, bufs, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d), nil
}

// validity returns the validity bitmap of rows whose definition level is
// maxDef, or nil when no row is null.
func validity(defs []int16, maxDef int16, nulls int) *memory.Buffer {
	if nulls == 0 {
		return nil
	}
	bits := make([]byte, bitutil.BytesForBits(int64(len(defs))))
	for r, d := range defs {
		if d == maxDef {
			bitutil.SetBit(bits, r)
		}
	}
	return memory.NewBufferBytes(bits)
}
