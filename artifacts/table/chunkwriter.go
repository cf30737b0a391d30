package table

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/klauspost/compress/zstd"
)

// PageBytes is the uncompressed size after which a data page is cut.
const PageBytes = 1 << 20

// pageRows caps the rows of one data page, which bounds the space reserved
// in front of a page's values for its definition levels.
const pageRows = 32 * 1024

// levelsReserve is the space kept in front of a plain page's values for its
// definition levels (their 4-byte length and their RLE / bit-packed runs).
const levelsReserve = 4 + 16 + pageRows/4

// encDeltaLengthByteArray is DELTA_LENGTH_BYTE_ARRAY: a page's value lengths
// (DELTA_BINARY_PACKED), then its values' bytes back to back. Byte-array
// pages that are not dictionary-encoded are written so, which lets readers
// take the values of a page as one run of bytes.
const encDeltaLengthByteArray = 6

// chunkWriter encodes one flat column's values into the data pages (and
// dictionary page) of the current row group's column chunk, compressed and
// held in memory until the row group is written. Byte-array columns start
// each row group dictionary-encoded; a dictionary that outgrows
// DictionaryBytes falls back to plain pages for the rest of the chunk (and
// later chunks of the column start plain), and at the end of the chunk a
// dictionary that would not make the chunk smaller than plain encoding is
// dropped for plain pages. All buffers are reused from page to page and
// from row group to row group.
type chunkWriter struct {
	typ      arrow.Type // STRING, BINARY, INT64, INT32, FLOAT64, FLOAT32 or BOOL
	maxDef   int16
	enc      *zstd.Encoder
	dictable bool // byte arrays: try a dictionary in each row group
	dictMode bool // the current chunk is being dictionary-encoded

	rows int     // rows in the chunk
	defs []uint8 // definition level per row: of the chunk in dictionary mode, else of the open page

	// dictionary mode
	dict byteDict
	idx  []int32 // entry of each non-null value of the chunk

	// plain mode: the open page, its values after reserve bytes (where the
	// levels and, for byte arrays, the lengths go when it is cut)
	reserve  int
	page     []byte
	lens     []int32 // byte arrays: the open page's value lengths
	pageN    int     // rows in the open page
	pageBool []bool  // BOOL values of the open page
	pageMin  span    // the open page's least byte-array value
	pageMax  span    // and its greatest

	// the chunk's encoded pages
	dictPage     []byte
	pages        []byte
	uncompressed int64
	dataPages    map[parquet.Encoding]int32
	fellBack     bool

	// statistics
	nulls   int64
	hasMM   bool
	minB    []byte
	maxB    []byte
	maxOpen bool
	minI    int64
	maxI    int64
	minF    float64
	maxF    float64
	scratch []byte // compression output
	hdr     []byte
	lv      []byte
}

// span locates a value in the open page (n < 0: none yet).
type span struct{ off, n int }

// newChunkWriter returns a writer for a column of Arrow type typ whose
// values are compressed with enc.
func newChunkWriter(typ arrow.Type, maxDef int16, enc *zstd.Encoder) *chunkWriter {
	c := &chunkWriter{typ: typ, maxDef: maxDef, enc: enc, dataPages: map[parquet.Encoding]int32{}}
	c.dictable = typ == arrow.STRING || typ == arrow.BINARY
	c.reserve = levelsReserve
	if typ == arrow.STRING || typ == arrow.BINARY {
		c.reserve += deltaBound(pageRows)
	}
	c.startChunk()
	return c
}

// startChunk resets the writer for a new column chunk.
func (c *chunkWriter) startChunk() {
	c.dictMode = c.dictable
	c.rows = 0
	c.defs = c.defs[:0]
	c.dict.reset()
	c.idx = c.idx[:0]
	c.resetPage()
	c.dictPage, c.pages = c.dictPage[:0], c.pages[:0]
	c.uncompressed = 0
	clear(c.dataPages)
	c.fellBack = false
	c.nulls, c.hasMM = 0, false
}

// resetPage empties the open plain page.
func (c *chunkWriter) resetPage() {
	if cap(c.page) < c.reserve {
		// It grows to the largest page the column writes.
		c.page = make([]byte, c.reserve, c.reserve+4096)
	}
	c.page = c.page[:c.reserve]
	c.lens = c.lens[:0]
	c.pageN = 0
	c.pageBool = c.pageBool[:0]
	c.pageMin, c.pageMax = span{n: -1}, span{n: -1}
	if !c.dictMode {
		c.defs = c.defs[:0]
	}
}

// size estimates the bytes the chunk holds so far: compressed pages plus
// the dictionary and open page not yet compressed.
func (c *chunkWriter) size() int {
	n := len(c.dictPage) + len(c.pages) + len(c.page) - c.reserve
	if c.dictMode {
		n += len(c.dict.data)
	}
	return n
}

// write appends the values of a, an array of the column's type.
func (c *chunkWriter) write(a arrow.Array) {
	n := a.Len()
	hasNulls := a.NullN() > 0
	valid := func(i int) bool { return !hasNulls || a.IsValid(i) }
	switch c.typ {
	case arrow.STRING, arrow.BINARY:
		var offs []int32
		var data []byte
		if s, ok := a.(*array.String); ok {
			offs = s.ValueOffsets()
		} else {
			offs = a.(*array.Binary).ValueOffsets()
		}
		if bufs := a.Data().Buffers(); len(bufs) > 2 && bufs[2] != nil {
			data = bufs[2].Bytes()
		}
		for i := range n {
			if !valid(i) {
				c.addNull()
				continue
			}
			c.addBytes(data[offs[i]:offs[i+1]])
		}
	case arrow.INT64:
		vals := a.(*array.Int64).Int64Values()
		for i := range n {
			if !valid(i) {
				c.addNull()
				continue
			}
			c.addInt(vals[i], 8)
		}
	case arrow.INT32:
		vals := a.(*array.Int32).Int32Values()
		for i := range n {
			if !valid(i) {
				c.addNull()
				continue
			}
			c.addInt(int64(vals[i]), 4)
		}
	case arrow.FLOAT64:
		vals := a.(*array.Float64).Float64Values()
		for i := range n {
			if !valid(i) {
				c.addNull()
				continue
			}
			c.addFloat(vals[i], 8)
		}
	case arrow.FLOAT32:
		vals := a.(*array.Float32).Float32Values()
		for i := range n {
			if !valid(i) {
				c.addNull()
				continue
			}
			c.addFloat(float64(vals[i]), 4)
		}
	case arrow.BOOL:
		b := a.(*array.Boolean)
		for i := range n {
			if !valid(i) {
				c.addNull()
				continue
			}
			c.addBool(b.Value(i))
		}
	}
}

// addNull appends a null row.
func (c *chunkWriter) addNull() {
	c.nulls++
	c.rows++
	c.defs = append(c.defs, 0)
	if !c.dictMode {
		c.pageN++
		c.checkPage()
	}
}

// addBytes appends one byte-array value.
func (c *chunkWriter) addBytes(v []byte) {
	c.rows++
	c.defs = append(c.defs, 1)
	if c.dictMode {
		c.idx = append(c.idx, c.dict.insert(v))
		if len(c.dict.data) > DictionaryBytes {
			c.fallBack()
		}
		return
	}
	c.lens = append(c.lens, int32(len(v)))
	at := span{len(c.page), len(v)}
	c.page = append(c.page, v...)
	if c.pageMin.n < 0 {
		c.pageMin, c.pageMax = at, at
	} else if bytes.Compare(v, c.value(c.pageMin)) < 0 {
		c.pageMin = at
	} else if bytes.Compare(v, c.value(c.pageMax)) > 0 {
		c.pageMax = at
	}
	c.pageN++
	c.checkPage()
}

// addInt appends one 64- or 32-bit integer.
func (c *chunkWriter) addInt(v int64, width int) {
	c.rows++
	c.defs = append(c.defs, 1)
	if !c.hasMM {
		c.minI, c.maxI, c.hasMM = v, v, true
	} else if v < c.minI {
		c.minI = v
	} else if v > c.maxI {
		c.maxI = v
	}
	if width == 8 {
		c.page = binary.LittleEndian.AppendUint64(c.page, uint64(v))
	} else {
		c.page = binary.LittleEndian.AppendUint32(c.page, uint32(v))
	}
	c.pageN++
	c.checkPage()
}

// addFloat appends one double or float; NaNs do not enter the statistics.
func (c *chunkWriter) addFloat(v float64, width int) {
	c.rows++
	c.defs = append(c.defs, 1)
	if !math.IsNaN(v) {
		if !c.hasMM {
			c.minF, c.maxF, c.hasMM = v, v, true
		} else if v < c.minF {
			c.minF = v
		} else if v > c.maxF {
			c.maxF = v
		}
	}
	if width == 8 {
		c.page = binary.LittleEndian.AppendUint64(c.page, math.Float64bits(v))
	} else {
		c.page = binary.LittleEndian.AppendUint32(c.page, math.Float32bits(float32(v)))
	}
	c.pageN++
	c.checkPage()
}

// addBool appends one boolean.
func (c *chunkWriter) addBool(v bool) {
	c.rows++
	c.defs = append(c.defs, 1)
	i := int64(0)
	if v {
		i = 1
	}
	if !c.hasMM {
		c.minI, c.maxI, c.hasMM = i, i, true
	} else {
		c.minI, c.maxI = min(c.minI, i), max(c.maxI, i)
	}
	c.pageBool = append(c.pageBool, v)
	c.pageN++
	if c.pageN >= pageRows {
		c.flushPage()
	}
}

// value returns the value at s in the open page.
func (c *chunkWriter) value(s span) []byte { return c.page[s.off : s.off+s.n] }

// maxStatBytes bounds a byte-array statistic. Longer values are cut as
// Parquet writers do: the minimum to a prefix (still no greater than any
// value), the maximum to a prefix with its last byte raised (still no less
// than any value). So a footer stays small whatever a column holds, and
// stays readable (a full 128 MiB value there passes a reader's limits).
const maxStatBytes = 64

// byteStats updates the bounds with a byte-array value (unsigned byte order).
// minB is a lower and maxB an upper bound of the values seen; maxOpen marks a
// maximum that cannot be bounded in maxStatBytes (all 0xff), left unwritten.
func (c *chunkWriter) byteStats(v []byte) {
	if !c.hasMM {
		c.minB, c.hasMM, c.maxOpen = truncMin(c.minB[:0], v), true, false
		c.maxB, c.maxOpen = truncMax(c.maxB[:0], v)
		return
	}
	if bytes.Compare(v, c.minB) < 0 {
		c.minB = truncMin(c.minB[:0], v)
	}
	if !c.maxOpen && bytes.Compare(v, c.maxB) > 0 {
		c.maxB, c.maxOpen = truncMax(c.maxB[:0], v)
	}
}

// statCut is where a long value's statistic is cut: at most maxStatBytes,
// and never inside a UTF-8 sequence (a string statistic stays valid UTF-8).
func statCut(v []byte) int {
	n := maxStatBytes
	for n > 0 && !utf8.RuneStart(v[n]) {
		n--
	}
	return n
}

// truncMin appends to dst a lower bound of v at most maxStatBytes long.
func truncMin(dst, v []byte) []byte {
	if len(v) <= maxStatBytes {
		return append(dst, v...)
	}
	return append(dst, v[:statCut(v)]...)
}

// truncMax appends to dst an upper bound of v at most maxStatBytes long: a
// prefix whose last character is raised by one (for text, to the next code
// point). open is true when no such bound exists.
func truncMax(dst, v []byte) (b []byte, open bool) {
	if len(v) <= maxStatBytes {
		return append(dst, v...), false
	}
	b = append(dst, v[:statCut(v)]...)
	for len(b) > 0 {
		r, size := utf8.DecodeLastRune(b)
		head := b[:len(b)-size]
		switch {
		case r == utf8.RuneError && size <= 1:
			if last := b[len(b)-1]; last != 0xff {
				return append(head, last+1), false
			}
		case r < utf8.MaxRune:
			next := r + 1
			if next >= 0xd800 && next <= 0xdfff {
				next = 0xe000
			}
			return utf8.AppendRune(head, next), false
		}
		b = head
	}
	return b, true
}

// checkPage cuts the open plain page when it is full.
func (c *chunkWriter) checkPage() {
	if len(c.page)-c.reserve >= PageBytes || c.pageN >= pageRows {
		c.flushPage()
	}
}

// flushPage compresses the open plain page into the chunk.
func (c *chunkWriter) flushPage() {
	if c.pageN == 0 {
		return
	}
	if c.pageMin.n >= 0 {
		c.byteStats(c.value(c.pageMin))
		c.byteStats(c.value(c.pageMax))
	}
	if c.typ == arrow.BOOL {
		c.page = c.page[:c.reserve]
		var acc byte
		for i, v := range c.pageBool {
			if v {
				acc |= 1 << (i & 7)
			}
			if i&7 == 7 {
				c.page = append(c.page, acc)
				acc = 0
			}
		}
		if len(c.pageBool)&7 != 0 {
			c.page = append(c.page, acc)
		}
	}
	// Levels, then lengths, go right before the values.
	start := c.reserve
	enc := parquet.Encoding(encPlain)
	if c.typ == arrow.STRING || c.typ == arrow.BINARY {
		c.lv = appendDelta(c.lv[:0], c.lens)
		start -= len(c.lv)
		copy(c.page[start:], c.lv)
		enc = encDeltaLengthByteArray
	}
	if c.maxDef > 0 {
		c.lv = appendHybrid(c.lv[:0], c.defs[:c.pageN], 1)
		start -= 4 + len(c.lv)
		binary.LittleEndian.PutUint32(c.page[start:], uint32(len(c.lv)))
		copy(c.page[start+4:], c.lv)
	}
	c.emitDataPage(c.page[start:], c.pageN, enc)
	c.resetPage()
}

// emitDataPage compresses raw (levels and values of rows rows) into the chunk.
func (c *chunkWriter) emitDataPage(raw []byte, rows int, enc parquet.Encoding) {
	c.scratch = c.enc.EncodeAll(raw, c.scratch[:0])
	c.hdr = appendPageHeader(c.hdr[:0], pageData, len(raw), len(c.scratch), rows, int(enc))
	c.pages = doubling(c.pages, len(c.hdr)+len(c.scratch))
	c.pages = append(c.pages, c.hdr...)
	c.pages = append(c.pages, c.scratch...)
	c.uncompressed += int64(len(c.hdr) + len(raw))
	c.dataPages[enc]++
}

// doubling returns b with room for n more bytes, doubling its capacity
// when it grows (append grows large slices by a quarter, which copies a
// chunk's pages many times while the first row groups fill).
func doubling(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	return append(uninitialized(max(2*cap(b), len(b)+n)), b...)
}

// dictStats folds the dictionary's entries into the statistics.
func (c *chunkWriter) dictStats() {
	for e := range c.dict.len() {
		c.byteStats(c.dict.entry(int32(e)))
	}
}

// fallBack writes the dictionary and the rows so far as dictionary pages
// and continues the chunk (and starts later chunks) in plain encoding.
func (c *chunkWriter) fallBack() {
	c.emitDictionary()
	c.dictMode, c.dictable, c.fellBack = false, false, true
	c.resetPage()
}

// emitDictionary writes the dictionary page and the chunk's rows so far as
// RLE_DICTIONARY data pages.
func (c *chunkWriter) emitDictionary() {
	c.dictStats()
	raw := c.page[:0]
	for e := range c.dict.len() {
		v := c.dict.entry(int32(e))
		raw = binary.LittleEndian.AppendUint32(raw, uint32(len(v)))
		raw = append(raw, v...)
	}
	c.scratch = c.enc.EncodeAll(raw, c.scratch[:0])
	c.hdr = appendPageHeader(c.hdr[:0], pageDictionary, len(raw), len(c.scratch), c.dict.len(), encPlain)
	c.dictPage = append(c.dictPage[:0], c.hdr...)
	c.dictPage = append(c.dictPage, c.scratch...)
	c.uncompressed += int64(len(c.hdr) + len(raw))
	width := max(1, bits.Len32(uint32(c.dict.len()-1)))
	k := 0
	for r0 := 0; r0 < c.rows; r0 += pageRows {
		r1 := min(r0+pageRows, c.rows)
		raw = raw[:0]
		nv := r1 - r0
		if c.maxDef > 0 {
			raw = append(raw, 0, 0, 0, 0)
			raw = appendHybrid(raw, c.defs[r0:r1], 1)
			binary.LittleEndian.PutUint32(raw, uint32(len(raw)-4))
			nv = 0
			for _, d := range c.defs[r0:r1] {
				nv += int(d)
			}
		}
		raw = append(raw, byte(width))
		raw = appendHybrid(raw, c.idx[k:k+nv], width)
		k += nv
		c.emitDataPage(raw, r1-r0, encRLEDictionary)
	}
	c.page = raw[:0]
}

// finish completes the chunk's pages: a dictionary-encoded chunk keeps its
// dictionary when that makes it smaller than plain encoding would.
func (c *chunkWriter) finish() {
	if !c.dictMode {
		c.flushPage()
		return
	}
	entries := c.dict.len()
	plain := 4 * len(c.idx)
	for _, e := range c.idx {
		plain += int(c.dict.offsets[e+1] - c.dict.offsets[e])
	}
	width := max(1, bits.Len32(uint32(max(entries, 1)-1)))
	dict := len(c.dict.data) + 4*entries + len(c.idx)*width/8
	if entries > 0 && dict < plain {
		c.emitDictionary()
		c.resetPage()
		return
	}
	// Replay the chunk as plain pages.
	c.dictMode = false
	defs, idx := c.defs, c.idx
	c.defs, c.idx = nil, nil
	c.rows = 0
	c.resetPage()
	k := 0
	for _, d := range defs {
		if d == 0 {
			c.nulls--
			c.addNull()
			continue
		}
		c.addBytes(c.dict.entry(idx[k]))
		k++
	}
	c.flushPage()
	c.defs, c.idx = defs[:0], idx[:0]
}

// statistics returns the chunk's statistics in Parquet's encoding.
func (c *chunkWriter) statistics() metadata.EncodedStatistics {
	s := metadata.EncodedStatistics{HasNullCount: true, NullCount: c.nulls}
	if !c.hasMM {
		return s
	}
	s.HasMin, s.HasMax = true, true
	switch c.typ {
	case arrow.STRING, arrow.BINARY:
		if c.maxOpen {
			s.HasMin, s.HasMax = false, false
			return s
		}
		s.Min, s.Max = bytes.Clone(c.minB), bytes.Clone(c.maxB)
	case arrow.INT64:
		s.Signed = true
		s.Min = binary.LittleEndian.AppendUint64(nil, uint64(c.minI))
		s.Max = binary.LittleEndian.AppendUint64(nil, uint64(c.maxI))
	case arrow.INT32:
		s.Signed = true
		s.Min = binary.LittleEndian.AppendUint32(nil, uint32(c.minI))
		s.Max = binary.LittleEndian.AppendUint32(nil, uint32(c.maxI))
	case arrow.FLOAT64, arrow.FLOAT32:
		s.Signed = true
		lo, hi := c.minF, c.maxF
		if lo == 0 {
			lo = math.Copysign(0, -1)
		}
		if hi == 0 {
			hi = 0
		}
		if c.typ == arrow.FLOAT64 {
			s.Min = binary.LittleEndian.AppendUint64(nil, math.Float64bits(lo))
			s.Max = binary.LittleEndian.AppendUint64(nil, math.Float64bits(hi))
		} else {
			s.Min = binary.LittleEndian.AppendUint32(nil, math.Float32bits(float32(lo)))
			s.Max = binary.LittleEndian.AppendUint32(nil, math.Float32bits(float32(hi)))
		}
	case arrow.BOOL:
		s.Signed = true
		s.Min, s.Max = []byte{byte(c.minI)}, []byte{byte(c.maxI)}
	}
	return s
}
