package split

import (
	"encoding/binary"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// appendCell appends a canonical encoding of column col's row i to b: a type
// tag, then the value (strings as their bytes, numbers as 8 little-endian
// bytes, anything else as Arrow prints it). Equal values of one type encode
// equally, so a row keeps its hash wherever it appears.
func appendCell(b []byte, col arrow.Array, i int) []byte {
	if col.IsNull(i) {
		return append(b, 0)
	}
	switch a := col.(type) {
	case *array.String:
		return append(append(b, 's'), a.Value(i)...)
	case *array.LargeString:
		return append(append(b, 's'), a.Value(i)...)
	case *array.Binary:
		return append(append(b, 'b'), a.Value(i)...)
	case *array.Int64:
		return binary.LittleEndian.AppendUint64(append(b, 'i'), uint64(a.Value(i)))
	case *array.Int32:
		return binary.LittleEndian.AppendUint64(append(b, 'i'), uint64(int64(a.Value(i))))
	case *array.Int16:
		return binary.LittleEndian.AppendUint64(append(b, 'i'), uint64(int64(a.Value(i))))
	case *array.Int8:
		return binary.LittleEndian.AppendUint64(append(b, 'i'), uint64(int64(a.Value(i))))
	case *array.Uint64:
		return binary.LittleEndian.AppendUint64(append(b, 'u'), a.Value(i))
	case *array.Uint32:
		return binary.LittleEndian.AppendUint64(append(b, 'u'), uint64(a.Value(i)))
	case *array.Float64:
		return binary.LittleEndian.AppendUint64(append(b, 'f'), math.Float64bits(a.Value(i)))
	case *array.Float32:
		return binary.LittleEndian.AppendUint64(append(b, 'f'), math.Float64bits(float64(a.Value(i))))
	case *array.Boolean:
		if a.Value(i) {
			return append(b, 't')
		}
		return append(b, 'F')
	}
	return append(append(b, 'v'), col.ValueStr(i)...)
}

// appendRow appends the encoding of every column of row i, each prefixed
// by its length so that column boundaries cannot shift.
func appendRow(b []byte, rec arrow.RecordBatch, i int) []byte {
	for _, col := range rec.Columns() {
		at := len(b)
		b = append(b, 0, 0, 0, 0)
		b = appendCell(b, col, i)
		binary.LittleEndian.PutUint32(b[at:], uint32(len(b)-at-4))
	}
	return b
}
