package table

import (
	"fmt"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// allDictionary reports whether every data page of the leaf column, in
// every row group, is dictionary-encoded, as the chunks' page encoding
// statistics say (a chunk without them does not count as dictionary-encoded).
func allDictionary(md *metadata.FileMetaData, leaf int) bool {
	if md.NumRowGroups() == 0 {
		return false
	}
	for rg := range md.NumRowGroups() {
		cc, err := md.RowGroup(rg).ColumnChunk(leaf)
		if err != nil || !cc.HasDictionaryPage() {
			return false
		}
		stats := cc.EncodingStats()
		data := 0
		for _, s := range stats {
			if s.PageType == 0 || s.PageType == 3 { // DATA_PAGE, DATA_PAGE_V2
				if s.Encoding != parquet.Encodings.RLEDict && s.Encoding != parquet.Encodings.PlainDict {
					return false
				}
				data++
			}
		}
		if data == 0 {
			return false
		}
	}
	return true
}

// dictKey identifies a dictionary entry by where its bytes lie: values
// decoded from dictionary-encoded pages alias the chunk's dictionary page,
// which stays in place for the whole row group. In a PLAIN-encoded page
// each entry's bytes follow its own 4-byte length, so distinct entries
// start at distinct addresses (empty values may share one, and are equal).
type dictKey uintptr

// dictState is a dictionary column's dictionary for the open row group:
// the entries seen so far, in order of first use. Batches share it; it is
// only ever appended to, and a new row group starts a new one.
type dictState struct {
	index   map[dictKey]int32
	offsets []int32
	data    []byte
}

// reset starts the dictionary of a new row group whose chunk holds about
// size bytes, most of them the dictionary page's.
func (d *dictState) reset(size int64) {
	d.index = make(map[dictKey]int32)
	d.offsets = make([]int32, 1, 1024)
	d.data = make([]byte, 0, min(size, 1<<30))
}

// readDict decodes n rows of a column whose pages are all dictionary
// encoded as an Arrow dictionary array: int32 indices into the row group's
// entries so far.
func (c *flatColumn) readDict(cr *file.ByteArrayColumnChunkReader, n int, defs []int16) (arrow.Array, error) {
	if cap(c.vals) < n {
		c.vals = make([]parquet.ByteArray, n)
	}
	d := &c.dict
	indices := make([]int32, n)
	got, nulls := 0, 0
	for got < n {
		var lv []int16
		if defs != nil {
			lv = defs[got:]
		}
		rows, nv, err := cr.ReadBatchInPage(int64(n-got), c.vals[:n-got], lv, nil)
		if err != nil {
			return nil, err
		}
		if rows == 0 {
			return nil, fmt.Errorf("column chunk ended %d rows early", n-got)
		}
		v := c.vals[:nv]
		k := 0
		for r := range int(rows) {
			if lv != nil && lv[r] < c.maxDef {
				nulls++
				continue
			}
			b := v[k]
			k++
			key := dictKey(unsafe.Pointer(unsafe.SliceData(b)))
			i, ok := d.index[key]
			if !ok {
				i = int32(len(d.offsets) - 1)
				d.index[key] = i
				d.data = append(d.data, b...)
				d.offsets = append(d.offsets, int32(len(d.data)))
			}
			indices[got+r] = i
		}
		got += int(rows)
	}
	valueType := c.typ.(*arrow.DictionaryType).ValueType
	entries := len(d.offsets) - 1
	dict := array.NewData(valueType, entries, []*memory.Buffer{nil,
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(d.offsets[:entries+1])), memory.NewBufferBytes(d.data[:len(d.data):len(d.data)])}, nil, 0, 0)
	defer dict.Release()
	data := array.NewDataWithDictionary(c.typ, n, []*memory.Buffer{validity(defs, c.maxDef, nulls),
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(indices))}, nulls, 0, dict)
	defer data.Release()
	return array.MakeFromData(data), nil
}
