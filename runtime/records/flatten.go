package records

import "sort"

// Param is one parameter at a dotted path (`train.lr`) and its value.
type Param struct {
	Key   string `json:"key"`
	Value any    `json:"value"`
}

// Flatten lists the leaves of a nested parameter map under dotted paths,
// sorted by path. Lists are leaves; an empty map is a leaf of its own.
func Flatten(params map[string]any) []Param {
	if len(params) == 0 {
		return nil
	}
	var out []Param
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		m, ok := v.(map[string]any)
		if !ok || (len(m) == 0 && prefix != "") {
			out = append(out, Param{Key: prefix, Value: v})
			return
		}
		for k, x := range m {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			walk(key, x)
		}
	}
	walk("", params)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
