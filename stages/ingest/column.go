package ingest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// colType is the type of an output column.
type colType uint8

// Column types.
const (
	typeString colType = iota
	typeInt
	typeFloat
	typeBool
)

// String names the type as `columns` spells it.
func (t colType) String() string {
	switch t {
	case typeInt:
		return "int"
	case typeFloat:
		return "float"
	case typeBool:
		return "bool"
	}
	return "string"
}

// arrowType is the column's Arrow type.
func (t colType) arrowType() arrow.DataType {
	switch t {
	case typeInt:
		return arrow.PrimitiveTypes.Int64
	case typeFloat:
		return arrow.PrimitiveTypes.Float64
	case typeBool:
		return arrow.FixedWidthTypes.Boolean
	}
	return arrow.BinaryTypes.String
}

// column is one output column.
type column struct {
	name     string
	typ      colType
	nullable bool
}

// arrowSchema is the output schema for cols.
func arrowSchema(cols []column) *arrow.Schema {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.typ.arrowType(), Nullable: c.nullable}
	}
	return arrow.NewSchema(fields, nil)
}

// value is one parsed cell, converted to its column's type.
type value struct {
	null bool
	s    []byte // typeString; may alias the input until the row is appended
	i    int64
	f    float64
	b    bool
}

// parseText converts a text cell (CSV, TSV) to t. An empty cell is null for
// every type but string.
func parseText(t colType, s []byte) (value, error) {
	switch t {
	case typeString:
		return value{s: s}, nil
	case typeInt:
		if len(s) == 0 {
			return value{null: true}, nil
		}
		i, err := strconv.ParseInt(strings.TrimSpace(string(s)), 10, 64)
		if err != nil {
			return value{}, fmt.Errorf("%q does not parse as int", clip(s))
		}
		return value{i: i}, nil
	case typeFloat:
		if len(s) == 0 {
			return value{null: true}, nil
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(string(s)), 64)
		if err != nil {
			return value{}, fmt.Errorf("%q does not parse as float", clip(s))
		}
		return value{f: f}, nil
	case typeBool:
		if len(s) == 0 {
			return value{null: true}, nil
		}
		b, ok := parseBool(s)
		if !ok {
			return value{}, fmt.Errorf("%q does not parse as bool", clip(s))
		}
		return value{b: b}, nil
	}
	return value{}, fmt.Errorf("unknown column type %d", t)
}

// parseBool accepts true/false in any case.
func parseBool(s []byte) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(string(s))) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// clip shortens a value quoted in an error message.
func clip(s []byte) string {
	const max = 60
	if len(s) <= max {
		return string(s)
	}
	return strings.ToValidUTF8(string(s[:max]), "") + "…"
}
