package pipeline

import (
	"fmt"
	"sort"

	"github.com/mlpipe/pipeline/stages"
)

// validateParams checks resolved values against a kind's schema, fills in
// defaults, and returns the completed map. n is the `with:` node for
// positions (nil when absent); at is the fallback position. open passes
// unknown keys through (a kind whose command takes its own parameters),
// except those one edit away from a known one, which are typos.
func validateParams(e *errs, stage string, schema []stages.Param, vals map[string]any, n, at *node, where string, open bool) map[string]any {
	out := make(map[string]any, len(vals))
	names := make([]string, len(schema))
	for i, p := range schema {
		names[i] = p.Name
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var p *stages.Param
		for i := range schema {
			if schema[i].Name == k {
				p = &schema[i]
			}
		}
		pos := n.keyNode(k)
		if pos == nil {
			pos = at
		}
		if p == nil && open {
			if near := typoOf(k, names); near != "" {
				e.at(pos, "parameter `%s%s` of stage `%s` is one letter from `%s`; rename it if it is the script's own", where, k, stage, near)
				continue
			}
			out[k] = checkValue(e, stage, stages.Param{Name: k, Type: stages.Any}, vals[k], n.get(k), orNode(n.get(k), pos), where+k)
			continue
		}
		if p == nil {
			e.at(pos, "unknown parameter `%s%s` for stage `%s`%s", where, k, stage, didYouMean(k, names))
			continue
		}
		out[k] = checkValue(e, stage, *p, vals[k], n.get(k), orNode(n.get(k), pos), where+k)
	}
	for _, p := range schema {
		if _, given := vals[p.Name]; given {
			continue
		}
		if p.Required {
			e.at(orNode(n, at), "stage `%s` is missing required parameter `%s%s`", stage, where, p.Name)
			continue
		}
		if d, ok := stages.DefaultFor(p, out); ok {
			out[p.Name] = checkValue(e, stage, p, normalize(d), nil, orNode(n, at), where+p.Name)
		}
	}
	return out
}

// typoOf returns the name of four letters or more that k is one edit from.
func typoOf(k string, names []string) string {
	for _, n := range names {
		if len(n) >= 4 && editDistance(k, n) == 1 {
			return n
		}
	}
	return ""
}

func orNode(a, b *node) *node {
	if a != nil {
		return a
	}
	return b
}

// checkValue checks one value against its Param, recursing into maps and lists.
func checkValue(e *errs, stage string, p stages.Param, v any, n, at *node, path string) any {
	if v == nil {
		if p.Required {
			e.at(at, "parameter `%s` of stage `%s` must not be empty", path, stage)
		}
		return v
	}
	got := typeName(v)
	bad := func() any {
		e.at(at, "parameter `%s` of stage `%s` must be %s, got %s %s", path, stage, article(p.Type), got, shortValue(v))
		return v
	}
	switch p.Type {
	case stages.String:
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		if len(p.Enum) > 0 && !contains(p.Enum, s) {
			e.at(at, "parameter `%s` of stage `%s` must be one of %v, got %q%s", path, stage, p.Enum, s, didYouMean(s, p.Enum))
		}
	case stages.Int:
		switch x := v.(type) {
		case int64:
		case float64:
			if x != float64(int64(x)) {
				return bad()
			}
			v = int64(x)
		default:
			return bad()
		}
		checkRange(e, stage, p, float64(v.(int64)), at, path)
	case stages.Float:
		switch x := v.(type) {
		case float64:
		case int64:
			v = float64(x)
		default:
			return bad()
		}
		checkRange(e, stage, p, v.(float64), at, path)
	case stages.Bool:
		if _, ok := v.(bool); !ok {
			return bad()
		}
	case stages.List:
		l, ok := v.([]any)
		if !ok {
			return bad()
		}
		if p.Elem != nil {
			out := make([]any, len(l))
			for i, x := range l {
				var cn *node
				if n != nil && n.Kind == listNode && i < len(n.List) {
					cn = n.List[i]
				}
				out[i] = checkValue(e, stage, *p.Elem, x, cn, orNode(cn, at), fmt.Sprintf("%s[%d]", path, i))
			}
			return out
		}
	case stages.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return bad()
		}
		if p.Fields != nil {
			return validateParams(e, stage, p.Fields, m, n, at, path+".", false)
		}
		if p.Elem != nil {
			out := make(map[string]any, len(m))
			for k, x := range m {
				cn := n.get(k)
				out[k] = checkValue(e, stage, *p.Elem, x, cn, orNode(cn, at), path+"."+k)
			}
			return out
		}
	}
	return v
}

// checkRange reports a number outside its Param's Min and Max, naming the
// field's path under `with`.
func checkRange(e *errs, stage string, p stages.Param, x float64, at *node, path string) {
	if err := stages.CheckRange(p, x); err != nil {
		e.at(at, "stage `%s`: with.%s: %v", stage, path, err)
	}
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case int64:
		return "int"
	case float64:
		return "float"
	case bool:
		return "bool"
	case []any:
		return "list"
	case map[string]any:
		return "map"
	}
	return fmt.Sprintf("%T", v)
}

func article(t stages.Type) string {
	switch t {
	case stages.Int:
		return "an int"
	case stages.Any:
		return "any value"
	case stages.Float:
		return "a number"
	}
	return "a " + string(t)
}

func shortValue(v any) string {
	s := formatValue(v)
	if _, ok := v.(string); ok {
		s = fmt.Sprintf("%q", s)
	}
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
