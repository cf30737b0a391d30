package table

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/extensions"
)

// canonicalValue returns row i of a in the canonical JSON form that
// scripts/parquet/canonical.py describes, the form in which this package's
// reading of a Parquet file is compared with DuckDB's, pyarrow's and
// polars': numbers as json.Number, decimals as plain strings, binaries as
// hex, dates, times and timestamps as ISO text (UTC), lists as []any,
// structs as map[string]any and maps as lists of [key, value] pairs.
func canonicalValue(a arrow.Array, i int) (any, error) {
	if a.IsNull(i) {
		return nil, nil
	}
	switch a := a.(type) {
	case *extensions.UUIDArray:
		return a.Value(i).String(), nil
	case array.ExtensionArray:
		return canonicalValue(a.Storage(), i)
	case *array.Dictionary:
		return canonicalValue(a.Dictionary(), a.GetValueIndex(i))
	case *array.Boolean:
		return a.Value(i), nil
	case *array.Int8:
		return json.Number(strconv.FormatInt(int64(a.Value(i)), 10)), nil
	case *array.Int16:
		return json.Number(strconv.FormatInt(int64(a.Value(i)), 10)), nil
	case *array.Int32:
		return json.Number(strconv.FormatInt(int64(a.Value(i)), 10)), nil
	case *array.Int64:
		return json.Number(strconv.FormatInt(a.Value(i), 10)), nil
	case *array.Uint8:
		return json.Number(strconv.FormatUint(uint64(a.Value(i)), 10)), nil
	case *array.Uint16:
		return json.Number(strconv.FormatUint(uint64(a.Value(i)), 10)), nil
	case *array.Uint32:
		return json.Number(strconv.FormatUint(uint64(a.Value(i)), 10)), nil
	case *array.Uint64:
		return json.Number(strconv.FormatUint(a.Value(i), 10)), nil
	case *array.Float16:
		return canonicalFloat(float64(a.Value(i).Float32())), nil
	case *array.Float32:
		return canonicalFloat(float64(a.Value(i))), nil
	case *array.Float64:
		return canonicalFloat(a.Value(i)), nil
	case *array.Decimal32:
		return canonicalDecimal(big.NewInt(int64(a.Value(i))), a.DataType().(*arrow.Decimal32Type).Scale), nil
	case *array.Decimal64:
		return canonicalDecimal(big.NewInt(int64(a.Value(i))), a.DataType().(*arrow.Decimal64Type).Scale), nil
	case *array.Decimal128:
		return canonicalDecimal(a.Value(i).BigInt(), a.DataType().(*arrow.Decimal128Type).Scale), nil
	case *array.Decimal256:
		return canonicalDecimal(a.Value(i).BigInt(), a.DataType().(*arrow.Decimal256Type).Scale), nil
	case *array.String:
		return a.Value(i), nil
	case *array.LargeString:
		return a.Value(i), nil
	case *array.StringView:
		return a.Value(i), nil
	case *array.Binary:
		return hex.EncodeToString(a.Value(i)), nil
	case *array.LargeBinary:
		return hex.EncodeToString(a.Value(i)), nil
	case *array.BinaryView:
		return hex.EncodeToString(a.Value(i)), nil
	case *array.FixedSizeBinary:
		return hex.EncodeToString(a.Value(i)), nil
	case *array.Date32:
		return a.Value(i).ToTime().Format(time.DateOnly), nil
	case *array.Date64:
		return a.Value(i).ToTime().Format(time.DateOnly), nil
	case *array.Time32:
		unit := a.DataType().(*arrow.Time32Type).Unit
		return canonicalClock(int64(a.Value(i)) * int64(unit.Multiplier())), nil
	case *array.Time64:
		unit := a.DataType().(*arrow.Time64Type).Unit
		return canonicalClock(int64(a.Value(i)) * int64(unit.Multiplier())), nil
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return canonicalTimestamp(int64(a.Value(i)), unit)
	case *array.MonthDayNanoInterval:
		v := a.Value(i)
		return map[string]any{"months": json.Number(strconv.Itoa(int(v.Months))), "days": json.Number(strconv.Itoa(int(v.Days))),
			"micros": json.Number(strconv.FormatInt(v.Nanoseconds/1000, 10))}, nil
	case *array.Map:
		return canonicalMap(a, i)
	case array.ListLike:
		start, end := a.ValueOffsets(i)
		out := make([]any, 0, end-start)
		for j := start; j < end; j++ {
			v, err := canonicalValue(a.ListValues(), int(j))
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		out := make(map[string]any, a.NumField())
		for f := range a.NumField() {
			v, err := canonicalValue(a.Field(f), i)
			if err != nil {
				return nil, err
			}
			out[st.Field(f).Name] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("no canonical form for Arrow type %s", a.DataType())
}

// canonicalMap returns row i of a map array as [key, value] pairs.
func canonicalMap(a *array.Map, i int) (any, error) {
	start, end := a.ValueOffsets(i)
	out := make([]any, 0, end-start)
	for j := start; j < end; j++ {
		k, err := canonicalValue(a.Keys(), int(j))
		if err != nil {
			return nil, err
		}
		v, err := canonicalValue(a.Items(), int(j))
		if err != nil {
			return nil, err
		}
		out = append(out, []any{k, v})
	}
	return out, nil
}

// canonicalFloat returns f as an exact JSON number, or the name of a
// non-finite value.
func canonicalFloat(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
}

// canonicalDecimal returns the unscaled value v with scale digits after
// the point, in plain notation.
func canonicalDecimal(v *big.Int, scale int32) string {
	neg := v.Sign() < 0
	digits := new(big.Int).Abs(v).String()
	if scale > 0 {
		if pad := int(scale) + 1 - len(digits); pad > 0 {
			digits = strings.Repeat("0", pad) + digits
		}
		digits = digits[:len(digits)-int(scale)] + "." + digits[len(digits)-int(scale):]
	} else if scale < 0 {
		digits += strings.Repeat("0", int(-scale))
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// canonicalFraction returns a fraction of a second, nanos of it, with as
// few of 3, 6 or 9 digits as hold it ("" when there is none).
func canonicalFraction(nanos int64) string {
	switch {
	case nanos == 0:
		return ""
	case nanos%1_000_000 == 0:
		return fmt.Sprintf(".%03d", nanos/1_000_000)
	case nanos%1_000 == 0:
		return fmt.Sprintf(".%06d", nanos/1_000)
	}
	return fmt.Sprintf(".%09d", nanos)
}

// canonicalClock returns a time of day given in nanoseconds since midnight.
func canonicalClock(nanos int64) string {
	s := nanos / 1e9
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60) + canonicalFraction(nanos%1e9)
}

// canonicalTimestamp returns a timestamp of v units since the epoch as ISO
// text in UTC (years past 9999 with all their digits).
func canonicalTimestamp(v int64, unit arrow.TimeUnit) (string, error) {
	per := int64(unit.Multiplier()) // nanoseconds per unit
	sec, rest := v/(1e9/per), v%(1e9/per)
	if rest < 0 {
		sec, rest = sec-1, rest+1e9/per
	}
	t := time.Unix(sec, 0).UTC()
	if t.Year() < 1 {
		return "", fmt.Errorf("timestamp %d %s is before year 1", v, unit)
	}
	return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second()) +
		canonicalFraction(rest*per) + "Z", nil
}

// sameCanonical reports whether two canonical values are equal, numbers
// compared by value (so 1.0 equals 1, and 1e+20 equals 1e20), and
// returns where they first differ.
func sameCanonical(got, want any, at string) (bool, string) {
	switch w := want.(type) {
	case json.Number:
		g, ok := got.(json.Number)
		if !ok || !sameNumber(g, w) {
			return false, fmt.Sprintf("%s: got %s, want %s", at, show(got), w)
		}
		return true, ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false, fmt.Sprintf("%s: got %s, want %s", at, show(got), show(want))
		}
		for k := range w {
			if same, where := sameCanonical(g[k], w[k], fmt.Sprintf("%s[%d]", at, k)); !same {
				return false, where
			}
		}
		return true, ""
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false, fmt.Sprintf("%s: got %s, want %s", at, show(got), show(want))
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return false, fmt.Sprintf("%s: no field %q in %s", at, k, show(got))
			}
			if same, where := sameCanonical(gv, wv, at+"."+k); !same {
				return false, where
			}
		}
		return true, ""
	}
	if got != want {
		return false, fmt.Sprintf("%s: got %s, want %s", at, show(got), show(want))
	}
	return true, ""
}

// sameNumber compares two JSON numbers by value: exactly as integers when
// both are, else as float64.
func sameNumber(a, b json.Number) bool {
	if a == b {
		return true
	}
	x, okx := new(big.Int).SetString(string(a), 10)
	y, oky := new(big.Int).SetString(string(b), 10)
	if okx && oky {
		return x.Cmp(y) == 0
	}
	f, err1 := strconv.ParseFloat(string(a), 64)
	g, err2 := strconv.ParseFloat(string(b), 64)
	return err1 == nil && err2 == nil && f == g && math.Signbit(f) == math.Signbit(g)
}

// show returns a canonical value as short JSON text for messages.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
