package pipeline

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
)

// lookupPath finds a dotted path ("train.lr") in nested params.
func lookupPath(params map[string]any, path string) (any, bool) {
	var cur any = params
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = m[part]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

// setPath sets an existing dotted path in nested params, copying the maps on
// the way so the caller's maps stay untouched. It returns the new root.
func setPath(params map[string]any, path string, v any) map[string]any {
	parts := strings.Split(path, ".")
	root := copyMap(params)
	cur := root
	for i, part := range parts {
		if i == len(parts)-1 {
			cur[part] = v
			break
		}
		next, _ := cur[part].(map[string]any)
		next = copyMap(next)
		cur[part] = next
		cur = next
	}
	return root
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// paramPaths lists every dotted path in params (inner maps and leaves), sorted.
func paramPaths(params map[string]any) []string {
	var out []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out = append(out, p)
			if sub, ok := v.(map[string]any); ok {
				walk(p, sub)
			}
		}
	}
	walk("", params)
	sort.Strings(out)
	return out
}

// Override is one `--set key=value`.
type Override struct {
	Key   string
	Value any
}

// ParseOverride parses "key=value", typing the value as YAML would.
func ParseOverride(s string) (Override, error) {
	i := strings.IndexByte(s, '=')
	if i <= 0 {
		return Override{}, fmt.Errorf("--set %q: expected key=value", s)
	}
	key, raw := strings.TrimSpace(s[:i]), s[i+1:]
	if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
		return Override{}, fmt.Errorf("--set %q: holds a NUL or invalid UTF-8 byte", strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", `\x00`), "\uFFFD"))
	}
	var v any
	if err := yaml.Unmarshal([]byte(raw), &v); err != nil {
		v = raw
	}
	if s, ok := v.(string); ok && s == strings.TrimSpace(raw) {
		if f, ok := plainFloat(s); ok {
			v = f
		}
	}
	return Override{Key: key, Value: normalize(v)}, nil
}

// normalize converts decoded YAML values to the engine's types: int64,
// float64, string, bool, nil, []any and map[string]any.
func normalize(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case uint64:
		return int64(x)
	case uint32:
		return int64(x)
	case float32:
		return float64(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = normalize(e)
		}
		return out
	}
	return v
}

// applyOverrides returns params with each override applied. A key must name
// an existing parameter.
func applyOverrides(file string, params map[string]any, sets []Override) (map[string]any, error) {
	var es Errors
	for _, o := range sets {
		if _, ok := lookupPath(params, o.Key); !ok {
			es = append(es, &Error{File: file, Msg: fmt.Sprintf("--set %s: no parameter `%s` in `params`%s", o.Key, o.Key, didYouMean(o.Key, paramPaths(params)))})
			continue
		}
		params = setPath(params, o.Key, o.Value)
	}
	if len(es) > 0 {
		return nil, es
	}
	return params, nil
}
