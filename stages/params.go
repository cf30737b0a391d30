package stages

import "fmt"

// Params is a resolved `with:` map with typed accessors. Values have already
// been validated against the kind's schema, so accessors only convert.
type Params map[string]any

// String returns p[name] as a string, or def (when given) when absent.
// Completed params carry every schema default, so callers name no def.
func (p Params) String(name string, def ...string) string {
	if v, ok := p[name]; ok && v != nil {
		if s, ok := v.(string); ok {
			return s
		}
		return fmt.Sprint(v)
	}
	return first(def)
}

// Int returns p[name] as an int64, or def (when given) when absent.
func (p Params) Int(name string, def ...int64) int64 {
	switch v := p[name].(type) {
	case int:
		return int64(v)
	case int64:
		return v
	case uint64:
		return int64(v)
	case float64:
		return int64(v)
	}
	return first(def)
}

// Float returns p[name] as a float64, or def (when given) when absent.
func (p Params) Float(name string, def ...float64) float64 {
	switch v := p[name].(type) {
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	case float64:
		return v
	}
	return first(def)
}

// Bool returns p[name] as a bool, or def (when given) when absent.
func (p Params) Bool(name string, def ...bool) bool {
	if v, ok := p[name].(bool); ok {
		return v
	}
	return first(def)
}

// first returns def[0], or the zero value when def is empty.
func first[T any](def []T) T {
	var zero T
	if len(def) > 0 {
		zero = def[0]
	}
	return zero
}

// Map returns p[name] as Params, or nil when absent.
func (p Params) Map(name string) Params {
	if v, ok := p[name].(map[string]any); ok {
		return Params(v)
	}
	return nil
}

// List returns p[name] as a list, or nil when absent.
func (p Params) List(name string) []any {
	if v, ok := p[name].([]any); ok {
		return v
	}
	return nil
}

// Strings returns p[name] as a list of strings, or nil when absent.
func (p Params) Strings(name string) []string {
	l := p.List(name)
	if l == nil {
		return nil
	}
	out := make([]string, len(l))
	for i, v := range l {
		out[i] = fmt.Sprint(v)
	}
	return out
}
