package report

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/mlpipe/pipeline/artifacts/table"
)

// columns reads the named columns of a Parquet table, at most limit rows
// (0: all). Numbers come back as float64 (NaN for a null), text as string;
// each named column must exist unless it is listed in optional.
func columns(path string, names []string, optional map[string]bool, limit int64) (map[string][]any, error) {
	r, err := table.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	idx := map[string]int{}
	for _, n := range names {
		found := r.Schema().FieldIndices(n)
		if len(found) == 0 {
			if optional[n] {
				continue
			}
			return nil, fmt.Errorf("reading table %s: no column %q", path, n)
		}
		idx[n] = found[0]
	}
	out := map[string][]any{}
	var rows int64
	for rec, err := range r.All() {
		if err != nil {
			return nil, err
		}
		n := int(rec.NumRows())
		if limit > 0 && rows+int64(n) > limit {
			n = int(limit - rows)
		}
		for name, i := range idx {
			col := rec.Column(i)
			for j := 0; j < n; j++ {
				v, err := cell(col, j)
				if err != nil {
					return nil, fmt.Errorf("reading table %s, column %q: %w", path, name, err)
				}
				out[name] = append(out[name], v)
			}
		}
		rows += int64(n)
		if limit > 0 && rows >= limit {
			break
		}
	}
	return out, nil
}

// cell reads one value of a numeric or text column.
func cell(col arrow.Array, i int) (any, error) {
	if col.IsNull(i) {
		if col.DataType().ID() == arrow.STRING || col.DataType().ID() == arrow.LARGE_STRING {
			return "", nil
		}
		return math.NaN(), nil
	}
	switch c := col.(type) {
	case *array.Float64:
		return c.Value(i), nil
	case *array.Float32:
		return float64(c.Value(i)), nil
	case *array.Int64:
		return float64(c.Value(i)), nil
	case *array.Int32:
		return float64(c.Value(i)), nil
	case *array.Uint64:
		return float64(c.Value(i)), nil
	case *array.Uint32:
		return float64(c.Value(i)), nil
	case *array.String:
		return c.Value(i), nil
	case *array.LargeString:
		return c.Value(i), nil
	}
	return nil, fmt.Errorf("unsupported type %s", col.DataType())
}

// floats converts a column read by columns to float64s.
func floats(col []any) []float64 {
	out := make([]float64, len(col))
	for i, v := range col {
		if f, ok := v.(float64); ok {
			out[i] = f
		} else {
			out[i] = math.NaN()
		}
	}
	return out
}

// strings converts a column read by columns to strings.
func texts(col []any) []string {
	out := make([]string, len(col))
	for i, v := range col {
		switch x := v.(type) {
		case string:
			out[i] = x
		case float64:
			out[i] = fmt.Sprint(x)
		}
	}
	return out
}
