package table

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// Parquet schemas that arrow-go reads otherwise than the format
// specification (and DuckDB) do are rewritten before arrow-go sees them,
// keeping every node's repetition so that the levels in the pages still
// mean the same, and the Arrow arrays are then converted where a rewrite
// alone cannot give the right type:
//
//   - JSON byte arrays are annotated as strings, so that they read as
//     strings rather than binaries;
//   - a two-level list whose repeated group (named "array" or
//     "<list>_tuple") is itself a LIST of a repeated field reads as a list
//     of lists rather than a list of one-field structs;
//   - a MAP whose keys are optional reads as a map (arrow-go refuses such
//     maps): its annotation is dropped, arrow-go reads it as a struct of a
//     list of key-value structs, and that is converted to a map when no key
//     is null;
//   - INTERVAL (three little-endian unsigned 32-bit counts of months, days
//     and milliseconds in 12 bytes) reads as Arrow's month-day-nanosecond
//     interval rather than as 12 raw bytes.
//
// So that the converted arrays can be told apart, a rewritten schema gives
// every node its pre-order index as field id (arrow-go copies it into the
// fields' metadata, which the reader drops from the schema it returns).

// compat is the rewrite of one file's schema: the original node of each
// field id, and the groups that are read as maps.
type compat struct {
	nodes []schema.Node
	maps  map[int32]bool
}

// rewriteSchema rewrites md's schema when it has a node that needs it and
// returns what the reader converts, or nil when the schema is unchanged.
func rewriteSchema(md *metadata.FileMetaData) (*compat, error) {
	root := md.Schema.Root()
	if !needsRewrite(root, nil) {
		return nil, nil
	}
	c := &compat{maps: map[int32]bool{}}
	n, err := c.rewrite(root, nil)
	if err != nil {
		return nil, fmt.Errorf("rewriting the Parquet schema: %w", err)
	}
	orders := make([]parquet.ColumnOrder, md.Schema.NumColumns())
	for i := range orders {
		orders[i] = md.Schema.Column(i).ColumnOrder()
	}
	sc := schema.NewSchema(n.(*schema.GroupNode))
	if sc.NumColumns() != len(orders) {
		return nil, fmt.Errorf("rewriting the Parquet schema: %d columns, want %d", sc.NumColumns(), len(orders))
	}
	if err := sc.UpdateColumnOrders(orders); err != nil {
		return nil, fmt.Errorf("rewriting the Parquet schema: %w", err)
	}
	md.Schema = sc
	return c, nil
}

// needsRewrite reports whether n or a node under it is one that compat
// rewrites or converts (parent: n's parent group, nil for the root).
func needsRewrite(n schema.Node, parent *schema.GroupNode) bool {
	switch n := n.(type) {
	case *schema.PrimitiveNode:
		return isJSON(n) || isInterval(n)
	case *schema.GroupNode:
		if legacyNestedList(n, parent) || optionalKeyMap(n) {
			return true
		}
		for i := range n.NumFields() {
			if needsRewrite(n.Field(i), n) {
				return true
			}
		}
	}
	return false
}

// isJSON reports whether n is a byte array annotated JSON.
func isJSON(n *schema.PrimitiveNode) bool {
	_, ok := n.LogicalType().(schema.JSONLogicalType)
	return ok && n.PhysicalType() == parquet.Types.ByteArray
}

// isInterval reports whether n is a 12-byte INTERVAL.
func isInterval(n *schema.PrimitiveNode) bool {
	_, logical := n.LogicalType().(schema.IntervalLogicalType)
	return (logical || n.ConvertedType() == schema.ConvertedTypes.Interval) &&
		n.PhysicalType() == parquet.Types.FixedLenByteArray && n.TypeLength() == 12
}

// isList reports whether a group is annotated LIST.
func isList(n *schema.GroupNode) bool {
	_, ok := n.LogicalType().(schema.ListLogicalType)
	return ok || n.ConvertedType() == schema.ConvertedTypes.List
}

// isMap reports whether a group is annotated MAP.
func isMap(n *schema.GroupNode) bool {
	_, ok := n.LogicalType().(schema.MapLogicalType)
	return ok || n.ConvertedType() == schema.ConvertedTypes.Map
}

// legacyNestedList reports whether n is the repeated group of a two-level
// LIST parent that the specification's backward-compatibility rules make
// the element (it is named "array" or "<parent>_tuple") and that is itself
// a LIST of one repeated field: the element is then a list.
func legacyNestedList(n, parent *schema.GroupNode) bool {
	return parent != nil && isList(parent) && parent.NumFields() == 1 &&
		n.RepetitionType() == parquet.Repetitions.Repeated &&
		(n.Name() == "array" || n.Name() == parent.Name()+"_tuple") &&
		isList(n) && n.NumFields() == 1 && n.Field(0).RepetitionType() == parquet.Repetitions.Repeated
}

// optionalKeyMap reports whether n is a MAP of key-value pairs whose key
// is not required, which arrow-go refuses.
func optionalKeyMap(n *schema.GroupNode) bool {
	if !isMap(n) || n.NumFields() != 1 {
		return false
	}
	kv, ok := n.Field(0).(*schema.GroupNode)
	return ok && kv.RepetitionType() == parquet.Repetitions.Repeated && kv.NumFields() == 2 &&
		kv.Field(0).RepetitionType() != parquet.Repetitions.Required
}

// rewrite returns n rewritten, its nodes numbered in pre-order.
func (c *compat) rewrite(n schema.Node, parent *schema.GroupNode) (schema.Node, error) {
	id := int32(len(c.nodes))
	c.nodes = append(c.nodes, n)
	switch n := n.(type) {
	case *schema.PrimitiveNode:
		lt := n.LogicalType()
		if isJSON(n) {
			lt = schema.StringLogicalType{}
		}
		if lt == nil || !lt.IsValid() || lt.IsNone() {
			return schema.NewPrimitiveNodeConverted(n.Name(), n.RepetitionType(), n.PhysicalType(), n.ConvertedType(),
				n.TypeLength(), int(n.DecimalMetadata().Precision), int(n.DecimalMetadata().Scale), id)
		}
		return schema.NewPrimitiveNodeLogical(n.Name(), n.RepetitionType(), lt, n.PhysicalType(), n.TypeLength(), id)
	case *schema.GroupNode:
		name, lt, converted := n.Name(), n.LogicalType(), n.ConvertedType()
		switch {
		case legacyNestedList(n, parent):
			// Not named as the rules' exception: the parent's element is
			// then this group's repeated field, itself read as a list.
			name, lt, converted = "list", nil, schema.ConvertedTypes.None
		case optionalKeyMap(n):
			c.maps[id] = true
			lt, converted = nil, schema.ConvertedTypes.None
		case parent != nil && optionalKeyMap(parent):
			lt, converted = nil, schema.ConvertedTypes.None
		}
		fields := make(schema.FieldList, n.NumFields())
		for i := range n.NumFields() {
			f, err := c.rewrite(n.Field(i), n)
			if err != nil {
				return nil, err
			}
			fields[i] = f
		}
		if lt == nil || !lt.IsValid() || lt.IsNone() {
			return schema.NewGroupNodeConverted(name, n.RepetitionType(), fields, converted, id)
		}
		return schema.NewGroupNodeLogical(name, n.RepetitionType(), fields, lt, id)
	}
	return nil, fmt.Errorf("unexpected schema node %T", n)
}

// conversion is how a field read by arrow-go from a rewritten schema
// becomes the field the reader returns: nil when it stays as it is.
type conversion struct {
	field    arrow.Field   // the field returned
	interval bool          // 12 INTERVAL bytes to a month-day-nano interval
	toMap    bool          // struct{list<struct{key, value}>} to a map
	children []*conversion // of the list element, struct fields, or map key and value
}

// plan returns the conversion of a field arrow-go read, or nil.
func (c *compat) plan(f arrow.Field) *conversion {
	if c == nil {
		return nil
	}
	node := c.node(f)
	switch t := f.Type.(type) {
	case *arrow.FixedSizeBinaryType:
		if pn, ok := node.(*schema.PrimitiveNode); ok && isInterval(pn) {
			f.Type = arrow.FixedWidthTypes.MonthDayNanoInterval
			return &conversion{field: f, interval: true}
		}
	case *arrow.StructType:
		if gn, ok := node.(*schema.GroupNode); ok && c.maps[c.id(f)] && gn != nil && t.NumFields() == 1 {
			if l, ok := t.Field(0).Type.(*arrow.ListType); ok {
				if kv, ok := l.Elem().(*arrow.StructType); ok && kv.NumFields() == 2 {
					key, value := kv.Field(0), kv.Field(1)
					kc, vc := c.plan(key), c.plan(value)
					if kc != nil {
						key = kc.field
					}
					if vc != nil {
						value = vc.field
					}
					key.Nullable = false
					f.Type = arrow.MapOfFields(key, value)
					return &conversion{field: f, toMap: true, children: []*conversion{kc, vc}}
				}
			}
		}
		fields := t.Fields()
		children := make([]*conversion, len(fields))
		any := false
		for i, sf := range fields {
			if children[i] = c.plan(sf); children[i] != nil {
				fields[i], any = children[i].field, true
			}
		}
		if any {
			f.Type = arrow.StructOf(fields...)
			return &conversion{field: f, children: children}
		}
	case *arrow.ListType:
		if ec := c.plan(t.ElemField()); ec != nil {
			f.Type = arrow.ListOfField(ec.field)
			return &conversion{field: f, children: []*conversion{ec}}
		}
	case *arrow.MapType:
		kc, vc := c.plan(t.KeyField()), c.plan(t.ItemField())
		if kc != nil || vc != nil {
			key, value := t.KeyField(), t.ItemField()
			if kc != nil {
				key = kc.field
			}
			if vc != nil {
				value = vc.field
			}
			f.Type = arrow.MapOfFields(key, value)
			return &conversion{field: f, children: []*conversion{kc, vc}}
		}
	}
	return nil
}

// id returns the field id arrow-go gave f, or -1.
func (c *compat) id(f arrow.Field) int32 {
	v, ok := f.Metadata.GetValue(parquetFieldID)
	if !ok {
		return -1
	}
	id, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return int32(id)
}

// node returns the original schema node of a field, or nil.
func (c *compat) node(f arrow.Field) schema.Node {
	id := c.id(f)
	if id < 0 || int(id) >= len(c.nodes) {
		return nil
	}
	return c.nodes[id]
}

// apply converts an array of the planned field's original type. The
// result is a new reference; a is left as it is.
func (cv *conversion) apply(a arrow.Array) (arrow.Array, error) {
	if cv == nil {
		a.Retain()
		return a, nil
	}
	d := a.Data()
	switch {
	case cv.interval:
		return intervals(a.(*array.FixedSizeBinary)), nil
	case cv.toMap:
		return cv.mapOf(a.(*array.Struct))
	}
	children := make([]arrow.ArrayData, len(d.Children()))
	switch cv.field.Type.(type) {
	case *arrow.ListType:
		ch, err := cv.children[0].apply(a.(*array.List).ListValues())
		if err != nil {
			return nil, err
		}
		defer ch.Release()
		children[0] = ch.Data()
	case *arrow.StructType, *arrow.MapType:
		// A map's one child is the struct of its keys and values.
		kids := d.Children()
		if _, ok := cv.field.Type.(*arrow.MapType); ok {
			kids = kids[0].Children()
		}
		arrs := make([]arrow.ArrayData, len(kids))
		for i, k := range kids {
			in := array.MakeFromData(k)
			out, err := cv.children[i].apply(in)
			in.Release()
			if err != nil {
				return nil, err
			}
			defer out.Release()
			arrs[i] = out.Data()
		}
		if mt, ok := cv.field.Type.(*arrow.MapType); ok {
			kv := d.Children()[0]
			entries := array.NewData(mt.Elem(), kv.Len(), kv.Buffers(), arrs, kv.NullN(), kv.Offset())
			defer entries.Release()
			children[0] = entries
		} else {
			children = arrs
		}
	}
	out := array.NewData(cv.field.Type, d.Len(), d.Buffers(), children, d.NullN(), d.Offset())
	defer out.Release()
	return array.MakeFromData(out), nil
}

// mapOf converts the struct arrow-go reads an optional-key MAP as (its one
// field the list of key-value structs) to a map.
func (cv *conversion) mapOf(s *array.Struct) (arrow.Array, error) {
	l := array.NewSlice(s.Field(0), 0, int64(s.Len())).(*array.List)
	defer l.Release()
	kv := l.ListValues().(*array.Struct)
	if kv.Field(0).NullN() > 0 {
		return nil, errors.New("a map key is null")
	}
	mt := cv.field.Type.(*arrow.MapType)
	kids := make([]arrow.ArrayData, 2)
	for i := range kids {
		out, err := cv.children[i].apply(kv.Field(i))
		if err != nil {
			return nil, err
		}
		defer out.Release()
		kids[i] = out.Data()
	}
	entries := array.NewData(mt.Elem(), kv.Len(), []*memory.Buffer{nil}, kids, 0, 0)
	defer entries.Release()
	ld := l.Data()
	out := array.NewData(mt, ld.Len(), ld.Buffers(), []arrow.ArrayData{entries}, ld.NullN(), ld.Offset())
	defer out.Release()
	return array.MakeFromData(out), nil
}

// intervals converts 12-byte Parquet INTERVALs to month-day-nano intervals
// (the milliseconds in nanoseconds).
func intervals(a *array.FixedSizeBinary) arrow.Array {
	b := array.NewMonthDayNanoIntervalBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(a.Len())
	for i := range a.Len() {
		if a.IsNull(i) {
			b.AppendNull()
			continue
		}
		v := a.Value(i)
		b.Append(arrow.MonthDayNanoInterval{
			Months:      int32(binary.LittleEndian.Uint32(v[0:])),
			Days:        int32(binary.LittleEndian.Uint32(v[4:])),
			Nanoseconds: int64(binary.LittleEndian.Uint32(v[8:])) * 1_000_000,
		})
	}
	return b.NewArray()
}

// dropNullListEntries returns a list array whose null rows have entries,
// as arrow-go assembles the lists of a file that stores entries inside a
// null list (DuckDB writes a null fixed-size array, INTEGER[3], as three
// entries below the list's definition level), with those rows emptied:
// arrow-go counts such entries in the offsets but appends no values for
// them, so the offsets point past the values. It is a's own reference
// (retained) when the offsets are consistent, and an error when emptying
// the null rows does not make them so.
func dropNullListEntries(a arrow.Array) (arrow.Array, error) {
	l, ok := a.(*array.List)
	if !ok || l.Len() == 0 {
		a.Retain()
		return a, checkOffsets(a)
	}
	off := l.Offsets()
	values := l.ListValues().Len()
	if int(off[len(off)-1]) <= values {
		a.Retain()
		return a, checkOffsets(a)
	}
	fixed := make([]int32, len(off))
	fixed[0] = off[0]
	for i := range l.Len() {
		n := off[i+1] - off[i]
		if l.IsNull(i) {
			n = 0
		}
		fixed[i+1] = fixed[i] + n
	}
	if int(fixed[len(fixed)-1]) > values {
		return nil, checkOffsets(a)
	}
	d := l.Data()
	bufs := []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(fixed))}
	if l.NullN() > 0 {
		bufs[0] = d.Buffers()[0]
		if d.Offset() != 0 {
			// The validity bitmap is the array's own only from bit 0.
			bits := make([]byte, (l.Len()+7)/8)
			for i := range l.Len() {
				if l.IsValid(i) {
					bits[i/8] |= 1 << (i % 8)
				}
			}
			bufs[0] = memory.NewBufferBytes(bits)
		}
	}
	out := array.NewData(d.DataType(), l.Len(), bufs, d.Children(), l.NullN(), 0)
	defer out.Release()
	fixedList := array.MakeFromData(out)
	if err := checkOffsets(fixedList); err != nil {
		fixedList.Release()
		return nil, err
	}
	return fixedList, nil
}

// checkOffsets returns an error when a list in a (at any depth) points
// past its values, as arrow-go's lists do where the repetition levels are
// malformed (entries inside a null list).
func checkOffsets(a arrow.Array) error {
	switch a := a.(type) {
	case *array.List:
		if a.Len() > 0 {
			off := a.Offsets()
			if int(off[len(off)-1]) > a.ListValues().Len() || off[0] < 0 {
				return fmt.Errorf("list offsets reach %d of %d values (malformed repetition levels: entries inside a null list)",
					off[len(off)-1], a.ListValues().Len())
			}
		}
		return checkOffsets(a.ListValues())
	case *array.Map:
		if a.Len() > 0 {
			off := a.Offsets()
			if int(off[len(off)-1]) > a.ListValues().Len() || off[0] < 0 {
				return fmt.Errorf("map offsets reach %d of %d entries (malformed repetition levels)", off[len(off)-1], a.ListValues().Len())
			}
		}
		return checkOffsets(a.ListValues())
	case *array.Struct:
		for i := range a.NumField() {
			if err := checkOffsets(a.Field(i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// unsupportedFeatures names the Parquet feature behind each error text of
// arrow-go's that means the file uses something it does not read.
var unsupportedFeatures = []struct{ text, feature string }{
	{"no decryption found in reader's properties", "encryption (no decryption keys are configured)"},
	{"file decryption not setup correctly", "encryption (no decryption keys are configured)"},
	{"exceeds INT32 range", "DELTA_BINARY_PACKED INT32 deltas past the 32-bit range inside a nested column"},
	{"MAP keys must be required", "a MAP with optional keys in this position"},
	{"INT96 timestamp is outside the Arrow nanosecond range", "INT96 timestamps outside the years 1677 to 2262"},
}

// errUnsupported marks an error as the file's use of a Parquet feature
// this package does not read.
var errUnsupported = errors.New("unsupported Parquet feature")

// unsupported returns err wrapped as errUnsupported, naming the feature,
// when its text is one that means an unsupported feature; else err.
func unsupported(err error) error {
	if err == nil || errors.Is(err, errUnsupported) {
		return err
	}
	for _, u := range unsupportedFeatures {
		if strings.Contains(err.Error(), u.text) {
			return fmt.Errorf("%w: %s: %w", errUnsupported, u.feature, err)
		}
	}
	return err
}
