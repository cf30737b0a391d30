package table

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
)

// parquetFieldID is the field metadata key arrow-go adds to every field it reads.
const parquetFieldID = "PARQUET:field_id"

// normalizeField returns f as a writer would have declared it: without the
// Parquet bookkeeping in its metadata, and with list elements named "item"
// (arrow.ListOf's name) instead of Parquet's "element".
func normalizeField(f arrow.Field) arrow.Field {
	f.Metadata = dropKeys(f.Metadata, parquetFieldID)
	f.Type = normalizeType(f.Type)
	return f
}

// normalizeType applies normalizeField to every field nested in dt.
func normalizeType(dt arrow.DataType) arrow.DataType {
	switch t := dt.(type) {
	case *arrow.ListType:
		e := normalizeField(t.ElemField())
		e.Name = "item"
		return arrow.ListOfField(e)
	case *arrow.LargeListType:
		e := normalizeField(t.ElemField())
		e.Name = "item"
		return arrow.LargeListOfField(e)
	case *arrow.FixedSizeListType:
		e := normalizeField(t.ElemField())
		e.Name = "item"
		return arrow.FixedSizeListOfField(t.Len(), e)
	case *arrow.MapType:
		m := arrow.MapOfFields(normalizeField(t.KeyField()), normalizeField(t.ItemField()))
		m.KeysSorted = t.KeysSorted
		return m
	case *arrow.StructType:
		fields := make([]arrow.Field, t.NumFields())
		for i, f := range t.Fields() {
			fields[i] = normalizeField(f)
		}
		return arrow.StructOf(fields...)
	}
	return dt
}

// normalizeSchema applies normalizeField to every field and keeps md (minus
// arrow-go's serialized schema) as the schema's metadata.
func normalizeSchema(s *arrow.Schema, md arrow.Metadata) *arrow.Schema {
	fields := make([]arrow.Field, s.NumFields())
	for i, f := range s.Fields() {
		fields[i] = normalizeField(f)
	}
	clean := dropKeys(md, "ARROW:schema")
	return arrow.NewSchema(fields, &clean)
}

// dropKeys returns md without the given keys.
func dropKeys(md arrow.Metadata, drop ...string) arrow.Metadata {
	var keys, values []string
	for i, k := range md.Keys() {
		if slices.Contains(drop, k) {
			continue
		}
		keys = append(keys, k)
		values = append(values, md.Values()[i])
	}
	return arrow.NewMetadata(keys, values)
}
