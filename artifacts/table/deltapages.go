package table

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// arrow-go's DELTA_BINARY_PACKED decoder refuses INT32 runs whose first
// value or minimum delta lies outside the 32-bit range, although the
// specification makes the deltas wrap around in the physical type and
// writers that compute them in 64 bits (DuckDB does, for columns whose
// values span more than 2^31) store such runs. For INT32 column chunks
// that use the encoding, the flat reader therefore reads the pages through
// deltaPages, which decodes those pages with this package's decoder
// (delta.go) and hands arrow-go's column reader the same page in PLAIN
// encoding. Everything else (levels, dictionary pages, other encodings) is
// arrow-go's.

// usesDelta reports whether an INT32 column chunk has DELTA_BINARY_PACKED
// pages.
func usesDelta(cc *metadata.ColumnChunkMetaData) bool {
	return cc.Type() == parquet.Types.Int32 && slices.Contains(cc.Encodings(), parquet.Encodings.DeltaBinaryPacked)
}

// deltaPages is a page reader that re-encodes the DELTA_BINARY_PACKED data
// pages of an INT32 column chunk as PLAIN.
type deltaPages struct {
	file.PageReader
	maxDef, maxRep int16
	page           file.Page
	err            error
}

// Next moves to the next page, decoding it when it is a delta page.
func (d *deltaPages) Next() bool {
	d.page = nil
	if d.err != nil || !d.PageReader.Next() {
		return false
	}
	p := d.PageReader.Page()
	d.page, d.err = d.plain(p)
	return d.err == nil
}

// Page returns the current page.
func (d *deltaPages) Page() file.Page { return d.page }

// Err returns the error that ended the pages, if any.
func (d *deltaPages) Err() error {
	if d.err != nil {
		return d.err
	}
	return d.PageReader.Err()
}

// plain returns p, or p re-encoded as PLAIN when it is a delta data page.
func (d *deltaPages) plain(p file.Page) (file.Page, error) {
	if parquet.Encoding(p.Encoding()) != parquet.Encodings.DeltaBinaryPacked {
		return p, nil
	}
	data := p.Data()
	switch p := p.(type) {
	case *file.DataPageV1:
		levels := 0
		for _, lv := range []struct {
			max int16
			enc parquet.Encoding
		}{{d.maxRep, p.RepetitionLevelEncoding()}, {d.maxDef, p.DefinitionLevelEncoding()}} {
			if lv.max == 0 {
				continue
			}
			if lv.enc != parquet.Encodings.RLE {
				return nil, fmt.Errorf("DELTA_BINARY_PACKED page with %s levels", lv.enc)
			}
			if len(data) < levels+4 {
				return nil, errDelta
			}
			levels += 4 + int(binary.LittleEndian.Uint32(data[levels:]))
			if levels > len(data) {
				return nil, errDelta
			}
		}
		buf, err := plainInt32(data[:levels], data[levels:], int(p.NumValues()))
		if err != nil {
			return nil, err
		}
		return file.NewDataPageV1(memory.NewBufferBytes(buf), p.NumValues(), parquet.Encodings.Plain,
			p.DefinitionLevelEncoding(), p.RepetitionLevelEncoding(), int32(len(buf))), nil
	case *file.DataPageV2:
		levels := int(p.RepetitionLevelByteLen()) + int(p.DefinitionLevelByteLen())
		if levels < 0 || levels > len(data) {
			return nil, errDelta
		}
		buf, err := plainInt32(data[:levels], data[levels:], int(p.NumValues()))
		if err != nil {
			return nil, err
		}
		return file.NewDataPageV2(memory.NewBufferBytes(buf), p.NumValues(), p.NumNulls(), p.NumRows(), parquet.Encodings.Plain,
			p.DefinitionLevelByteLen(), p.RepetitionLevelByteLen(), int32(len(buf)), false), nil
	}
	return p, nil
}

// plainInt32 returns the levels followed by the delta-encoded values of
// src (at most most of them) in PLAIN encoding.
func plainInt32(levels, src []byte, most int) ([]byte, error) {
	n, err := deltaCount(src)
	if err != nil {
		return nil, err
	}
	if n > most {
		return nil, fmt.Errorf("%w: %d values in a page of %d", errDelta, n, most)
	}
	vals, _, err := decodeDelta(make([]int32, 0, n), src, n)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, len(levels), len(levels)+4*n)
	copy(buf, levels)
	for _, v := range vals {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(v))
	}
	return buf, nil
}
