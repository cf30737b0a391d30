package table

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// pageCursor decodes one flat column chunk page by page with this
// package's own decoder: page headers, definition levels, PLAIN values and
// dictionary indices are read straight from the decompressed page, which
// is decompressed into a buffer reused from page to page. It serves the
// chunks that ownDecodable accepts; others go through arrow-go's column
// readers.
type pageCursor struct {
	phys   parquet.Type
	maxDef int16
	codec  compress.Codec // nil: uncompressed
	br     *bufio.Reader
	left   int64 // levels not yet loaded from the chunk

	// the chunk's dictionary
	dictN    int
	dictOffs []int32 // byte arrays: entry i is dictData[dictOffs[i]:dictOffs[i+1]]
	dictData []byte  // byte arrays: the entries; fixed width: the PLAIN values
	dictGen  int     // counts dictionaries loaded, so that users know when it changed
	// with recycle: who recycles a byte-array dictionary's entries once the
	// cursor has moved past it and no batch's dictionary array holds them
	dictOwner *pageOwner

	// the open page
	comp     []byte
	page     []byte     // decompressed pages; a new one after a batch took it
	lent     bool       // a batch holds page: the next page needs another
	owner    *pageOwner // with recycle: who recycles a lent page
	inPage   bool       // the open page's values lie in page
	recycle  *recycler  // where page buffers come from, with RecycleBatches
	pageLeft int        // levels not yet taken from the page
	defs     []uint8    // the page's definition levels (nil when maxDef is 0)
	dpos     int
	dictPage bool // values are dictionary indices
	deltaLen bool // values are DELTA_LENGTH_BYTE_ARRAY: lens, then vals back to back
	lens     []int32
	vals     []byte  // PLAIN values, or the bytes of DELTA_LENGTH_BYTE_ARRAY ones
	vpos     int     // byte offset in vals (bit offset for PLAIN booleans)
	idx      []int32 // dictionary indices, or RLE booleans
	ipos     int
}

// ownDecodable reports whether the page cursor decodes the column chunk:
// levels and values in encodings it knows (PLAIN, dictionary, RLE,
// DELTA_LENGTH_BYTE_ARRAY), a
// compression arrow-go has a codec for, and the data in this file.
func ownDecodable(cc *metadata.ColumnChunkMetaData) bool {
	if cc.FilePath() != "" || cc.CryptoMetadata() != nil {
		return false
	}
	for _, e := range cc.Encodings() {
		switch e {
		case parquet.Encodings.Plain, parquet.Encodings.PlainDict, parquet.Encodings.RLE, parquet.Encodings.RLEDict,
			parquet.Encodings.DeltaLengthByteArray:
		default:
			return false
		}
	}
	if cc.Compression() == compress.Codecs.Uncompressed {
		return true
	}
	_, err := compress.GetCodec(cc.Compression())
	return err == nil
}

// maxDictHeaderSize is the padding added to the column chunks of files
// from writers that left the dictionary page header out of the chunk's
// size (PARQUET-816), as arrow-go adds it.
const maxDictHeaderSize = 100

// reset starts the column chunk cc of the file f, whose metadata is md.
func (p *pageCursor) reset(f io.ReaderAt, md *metadata.FileMetaData, cc *metadata.ColumnChunkMetaData, phys parquet.Type, maxDef int16) error {
	start := cc.DataPageOffset()
	if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 && cc.DictionaryPageOffset() < start {
		start = cc.DictionaryPageOffset()
	}
	size := cc.TotalCompressedSize()
	fileSize := md.GetSourceFileSize()
	if start < 0 || size < 0 || start+size > fileSize {
		return fmt.Errorf("column chunk of %d bytes at %d in a file of %d", size, start, fileSize)
	}
	if md.WriterVersion().LessThan(metadata.Parquet816FixedVersion) {
		size += min(maxDictHeaderSize, fileSize-start-size)
	}
	p.phys, p.maxDef = phys, maxDef
	p.codec = nil
	if cc.Compression() != compress.Codecs.Uncompressed {
		codec, err := compress.GetCodec(cc.Compression())
		if err != nil {
			return err
		}
		p.codec = codec
	}
	sec := io.NewSectionReader(f, start, size)
	if p.br == nil {
		p.br = bufio.NewReaderSize(sec, 256<<10)
	} else {
		p.br.Reset(sec)
	}
	p.left = cc.NumValues()
	p.dropDictionary()
	p.pageLeft = 0
	return nil
}

// dropDictionary forgets the chunk's dictionary, giving its entries back to
// the recycler when nothing else holds them.
func (p *pageCursor) dropDictionary() {
	if p.dictOwner != nil {
		p.dictOwner.Free(nil)
		p.dictOwner = nil
	}
	p.dictN, p.dictOffs, p.dictData = 0, nil, nil
}

// body reads a page body of h.compressed bytes; for a compressed page it
// returns the decompressed bytes after the first keep bytes, which are
// stored as they are.
func (p *pageCursor) body(h pageHeader, keep int, compressed bool) ([]byte, error) {
	n := int(h.compressed)
	if cap(p.comp) < n {
		p.comp = make([]byte, n)
	}
	raw := p.comp[:n]
	if _, err := io.ReadFull(p.br, raw); err != nil {
		return nil, fmt.Errorf("reading page of %d bytes: %w", n, err)
	}
	p.inPage = false
	if p.codec == nil || !compressed {
		return raw, nil
	}
	if keep > n || keep > int(h.uncompressed) {
		return nil, fmt.Errorf("page levels of %d bytes in a page of %d", keep, n)
	}
	size := int(h.uncompressed)
	if p.lent || cap(p.page) < size {
		if p.owner != nil {
			// The cursor is done with the lent page: it may serve this one
			// if no batch holds it any more.
			p.owner.Free(nil)
			p.owner = nil
		}
		if p.recycle != nil {
			p.page = p.recycle.get(size)
		} else {
			p.page = uninitialized(max(size, 1))
		}
		p.lent = false
	}
	p.page = p.page[:cap(p.page)]
	copy(p.page[:keep], raw[:keep])
	out, err := compress.Decode(p.codec, p.page[keep:size], raw[keep:])
	if err != nil {
		return nil, fmt.Errorf("decompressing page: %w", err)
	}
	if len(out) != size-keep {
		return nil, fmt.Errorf("page decompressed to %d bytes, header says %d", len(out), size-keep)
	}
	if len(out) > 0 && &out[0] != &p.page[keep] {
		copy(p.page[keep:size], out)
	}
	p.inPage = true
	return p.page[:size], nil
}

// nextPage loads the chunk's next data page, reading the dictionary page
// on the way.
func (p *pageCursor) nextPage() error {
	for {
		if p.left <= 0 {
			return errors.New("column chunk ended early")
		}
		h, err := readPageHeader(p.br)
		if err != nil {
			return err
		}
		switch h.typ {
		case pageDictionary:
			b, err := p.body(h, 0, true)
			if err != nil {
				return err
			}
			if h.encoding != encPlain && h.encoding != encPlainDictionary {
				return fmt.Errorf("dictionary page in encoding %d", h.encoding)
			}
			if err := p.loadDictionary(b, int(h.numValues)); err != nil {
				return err
			}
			continue
		case pageData, pageDataV2:
		default:
			if _, err := p.br.Discard(int(h.compressed)); err != nil {
				return fmt.Errorf("skipping page: %w", err)
			}
			continue
		}
		var levels, values []byte
		if h.typ == pageDataV2 {
			keep := int(h.defBytes + h.repBytes)
			b, err := p.body(h, keep, h.compressedV2)
			if err != nil {
				return err
			}
			// A flat column's repetition levels, if a writer stored
			// some, are all zero.
			levels, values = b[h.repBytes:keep], b[keep:]
		} else {
			b, err := p.body(h, 0, true)
			if err != nil {
				return err
			}
			if p.maxDef > 0 {
				if h.defEncoding != encRLE || len(b) < 4 {
					return fmt.Errorf("definition levels in encoding %d", h.defEncoding)
				}
				ln := int(binary.LittleEndian.Uint32(b))
				if ln > len(b)-4 {
					return fmt.Errorf("definition levels of %d bytes in a page of %d", ln, len(b))
				}
				levels, values = b[4:4+ln], b[4+ln:]
			} else {
				values = b
			}
		}
		n := int(h.numValues)
		if n == 0 {
			continue
		}
		if int64(n) > p.left {
			return fmt.Errorf("page of %d values with %d left in the chunk", n, p.left)
		}
		nv := n
		if p.maxDef > 0 {
			if p.defs, err = decodeHybrid(p.defs[:0], levels, 1, n); err != nil {
				return fmt.Errorf("definition levels: %w", err)
			}
			nv = 0
			for _, d := range p.defs {
				nv += int(d)
			}
		}
		p.vals, p.vpos, p.ipos = values, 0, 0
		p.dictPage, p.deltaLen = false, false
		switch h.encoding {
		case encPlain:
		case encDeltaLengthByteArray:
			if p.phys != parquet.Types.ByteArray {
				return fmt.Errorf("%s values in encoding DELTA_LENGTH_BYTE_ARRAY", p.phys)
			}
			var used int
			if p.lens, used, err = decodeDelta(p.lens[:0], values, nv); err != nil {
				return fmt.Errorf("value lengths: %w", err)
			}
			total := 0
			for _, l := range p.lens {
				if l < 0 {
					return errors.New("negative value length")
				}
				total += int(l)
			}
			if total > len(values)-used {
				return fmt.Errorf("values of %d bytes in %d", total, len(values)-used)
			}
			p.vals = values[used:]
			p.deltaLen = true
		case encRLEDictionary, encPlainDictionary:
			if p.dictData == nil && p.dictOffs == nil && nv > 0 {
				return errors.New("dictionary-encoded page without a dictionary")
			}
			if len(values) < 1 {
				return errors.New("dictionary-encoded page without a bit width")
			}
			if p.idx, err = decodeHybrid(p.idx[:0], values[1:], int(values[0]), nv); err != nil {
				return fmt.Errorf("dictionary indices: %w", err)
			}
			for _, i := range p.idx {
				if uint32(i) >= uint32(p.dictN) {
					return fmt.Errorf("dictionary index %d of %d entries", i, p.dictN)
				}
			}
			p.dictPage = true
		case encRLE:
			if p.phys != parquet.Types.Boolean {
				return fmt.Errorf("values in encoding RLE")
			}
			if len(values) < 4 {
				return errors.New("RLE booleans without a length")
			}
			values = values[4:]
			if p.idx, err = decodeHybrid(p.idx[:0], values, 1, nv); err != nil {
				return fmt.Errorf("booleans: %w", err)
			}
			p.vals = nil
		default:
			return fmt.Errorf("values in encoding %d", h.encoding)
		}
		p.left -= int64(n)
		p.pageLeft, p.dpos = n, 0
		return nil
	}
}

// loadDictionary decodes n PLAIN entries of a dictionary page.
func (p *pageCursor) loadDictionary(b []byte, n int) error {
	p.dropDictionary()
	p.dictN = n
	p.dictGen++
	if p.phys != parquet.Types.ByteArray {
		w := fixedWidth(p.phys)
		if w == 0 || len(b) < n*w {
			return fmt.Errorf("dictionary of %d entries in %d bytes", n, len(b))
		}
		p.dictData, p.dictOffs = slices.Clone(b[:n*w]), nil
		return nil
	}
	offs := make([]int32, n+1)
	size := max(len(b)-4*n, 1) // the entries' bytes cannot exceed this
	var data []byte
	if p.recycle != nil {
		data = p.recycle.get(size)
		p.dictOwner = &pageOwner{rec: p.recycle, page: data}
		p.dictOwner.refs.Store(1) // the cursor's
	} else {
		data = uninitialized(size)
	}
	pos := 0
	for i := range n {
		if pos+4 > len(b) {
			return errors.New("dictionary page ends early")
		}
		l := int(binary.LittleEndian.Uint32(b[pos:]))
		pos += 4
		if l > len(b)-pos {
			return errors.New("dictionary page ends early")
		}
		data = append(data, b[pos:pos+l]...)
		pos += l
		offs[i+1] = int32(len(data))
	}
	p.dictOffs, p.dictData = offs, data
	return nil
}

// fixedWidth returns the byte width of a fixed-width physical type (0 for
// others).
func fixedWidth(t parquet.Type) int {
	switch t {
	case parquet.Types.Int32, parquet.Types.Float:
		return 4
	case parquet.Types.Int64, parquet.Types.Double:
		return 8
	}
	return 0
}

// take returns the definition levels of the next k rows of the open page
// (nil when the column has none) and moves past them; the caller then
// takes their values.
func (p *pageCursor) take(k int) []uint8 {
	var d []uint8
	if p.maxDef > 0 {
		d = p.defs[p.dpos : p.dpos+k]
	}
	p.dpos += k
	p.pageLeft -= k
	return d
}

// nextBytes returns the next byte-array value of the page.
func (p *pageCursor) nextBytes() ([]byte, error) {
	if p.dictPage {
		if p.ipos >= len(p.idx) {
			return nil, errors.New("page has fewer values than levels")
		}
		i := p.idx[p.ipos]
		p.ipos++
		return p.dictData[p.dictOffs[i]:p.dictOffs[i+1]], nil
	}
	if p.deltaLen {
		if p.ipos >= len(p.lens) {
			return nil, errors.New("page has fewer values than levels")
		}
		l := int(p.lens[p.ipos])
		p.ipos++
		v := p.vals[p.vpos : p.vpos+l]
		p.vpos += l
		return v, nil
	}
	if p.vpos+4 > len(p.vals) {
		return nil, errors.New("page has fewer values than levels")
	}
	l := int(binary.LittleEndian.Uint32(p.vals[p.vpos:]))
	p.vpos += 4
	if l > len(p.vals)-p.vpos {
		return nil, errors.New("value runs past the end of its page")
	}
	v := p.vals[p.vpos : p.vpos+l]
	p.vpos += l
	return v, nil
}

// nextFixed returns the next w-byte value of the page.
func (p *pageCursor) nextFixed(w int) ([]byte, error) {
	if p.dictPage {
		if p.ipos >= len(p.idx) {
			return nil, errors.New("page has fewer values than levels")
		}
		i := int(p.idx[p.ipos])
		p.ipos++
		return p.dictData[i*w : i*w+w], nil
	}
	if p.vpos+w > len(p.vals) {
		return nil, errors.New("page has fewer values than levels")
	}
	v := p.vals[p.vpos : p.vpos+w]
	p.vpos += w
	return v, nil
}

// nextBool returns the next boolean of the page.
func (p *pageCursor) nextBool() (bool, error) {
	if p.vals == nil {
		if p.ipos >= len(p.idx) {
			return false, errors.New("page has fewer values than levels")
		}
		p.ipos++
		return p.idx[p.ipos-1] != 0, nil
	}
	if p.vpos>>3 >= len(p.vals) {
		return false, errors.New("page has fewer values than levels")
	}
	v := p.vals[p.vpos>>3]>>(p.vpos&7)&1 != 0
	p.vpos++
	return v, nil
}
