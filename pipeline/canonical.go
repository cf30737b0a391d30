package pipeline

import (
	"encoding/json"
	"strconv"
)

// CanonicalJSON renders v as JSON with sorted map keys and shortest number
// forms, so equal values always give equal bytes (the stage key hashes it).
func CanonicalJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Values come from YAML and are always encodable; NaN and Inf are not.
		b, _ = json.Marshal(sanitize(v))
	}
	return b
}

func canonicalJSONString(v any) string { return string(CanonicalJSON(v)) }

// sanitize replaces non-finite floats, which JSON cannot hold, by strings.
func sanitize(v any) any {
	switch x := v.(type) {
	case float64:
		if x != x || x > 1.7976931348623157e308 || x < -1.7976931348623157e308 {
			return formatFloat(x)
		}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = sanitize(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = sanitize(e)
		}
		return out
	}
	return v
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
