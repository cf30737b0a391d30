package stages

import (
	"fmt"
	"sort"
	"strings"
)

// Complete returns with completed against schema: every absent parameter
// that has a Default or a matching DefaultBy gets it (in nested Map fields
// too), ints given as whole floats become int64, floats given as ints become
// float64, and every value is checked for its type, enum and range. An error
// names the field's path, e.g. `with.model.d_model: must be at least 1, got 0`.
// Keys the schema does not name are kept as they are when schema.OpenParams
// is set and are an error otherwise. with itself is not modified.
func Complete(schema Schema, with map[string]any) (map[string]any, error) {
	out, err := completeFields(schema.Params, with, "with.", schema.OpenParams)
	if err != nil {
		return nil, fmt.Errorf("completing parameters: %w", err)
	}
	return out, nil
}

// completeFields completes one map of parameters; where is the path prefix.
func completeFields(fields []Param, vals map[string]any, where string, open bool) (map[string]any, error) {
	out := make(map[string]any, len(vals)+len(fields))
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := lookupParam(fields, k)
		if p == nil {
			if !open {
				return nil, fmt.Errorf("%s%s: unknown parameter", where, k)
			}
			out[k] = vals[k]
			continue
		}
		v, err := completeValue(*p, vals[k], where+k)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	for _, p := range fields {
		if _, given := vals[p.Name]; given {
			continue
		}
		if p.Required {
			return nil, fmt.Errorf("%s%s: required parameter missing", where, p.Name)
		}
		d, ok := DefaultFor(p, out)
		if !ok {
			continue
		}
		v, err := completeValue(p, d, where+p.Name)
		if err != nil {
			return nil, fmt.Errorf("default: %w", err)
		}
		out[p.Name] = v
	}
	return out, nil
}

// DefaultFor returns the default of p given its completed siblings: Default
// when set, else the DefaultBy value for the sibling's value. The value is a
// deep copy, so callers may keep it.
func DefaultFor(p Param, siblings map[string]any) (any, bool) {
	if p.Default != nil {
		return deepCopy(p.Default), true
	}
	if p.DefaultBy == nil {
		return nil, false
	}
	on, ok := siblings[p.DefaultBy.On]
	if !ok || on == nil {
		return nil, false
	}
	d, ok := p.DefaultBy.Values[fmt.Sprint(on)]
	if !ok || d == nil {
		return nil, false
	}
	return deepCopy(d), true
}

// completeValue checks one value against p and returns it normalised.
func completeValue(p Param, v any, path string) (any, error) {
	if v == nil {
		if p.Required {
			return nil, fmt.Errorf("%s: must not be empty", path)
		}
		return nil, nil
	}
	bad := func() (any, error) {
		return nil, fmt.Errorf("%s: must be of type %s, got %T %v", path, p.Type, v, v)
	}
	switch p.Type {
	case String:
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		if len(p.Enum) > 0 && !containsString(p.Enum, s) {
			return nil, fmt.Errorf("%s: must be one of %s, got %q", path, strings.Join(p.Enum, ", "), s)
		}
		return s, nil
	case Int:
		var n int64
		switch x := v.(type) {
		case int:
			n = int64(x)
		case int64:
			n = x
		case float64:
			if x != float64(int64(x)) {
				return bad()
			}
			n = int64(x)
		default:
			return bad()
		}
		if err := CheckRange(p, float64(n)); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return n, nil
	case Float:
		var f float64
		switch x := v.(type) {
		case int:
			f = float64(x)
		case int64:
			f = float64(x)
		case float64:
			f = x
		default:
			return bad()
		}
		if err := CheckRange(p, f); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return f, nil
	case Bool:
		if _, ok := v.(bool); !ok {
			return bad()
		}
	case List:
		l, ok := v.([]any)
		if !ok {
			return bad()
		}
		out := make([]any, len(l))
		for i, x := range l {
			out[i] = x
			if p.Elem != nil {
				e, err := completeValue(*p.Elem, x, fmt.Sprintf("%s[%d]", path, i))
				if err != nil {
					return nil, err
				}
				out[i] = e
			}
		}
		return out, nil
	case Map:
		m, ok := v.(map[string]any)
		if !ok {
			return bad()
		}
		if p.Fields != nil {
			return completeFields(p.Fields, m, path+".", false)
		}
		out := make(map[string]any, len(m))
		for k, x := range m {
			out[k] = x
			if p.Elem != nil {
				e, err := completeValue(*p.Elem, x, path+"."+k)
				if err != nil {
					return nil, err
				}
				out[k] = e
			}
		}
		return out, nil
	}
	return v, nil
}

// CheckRange checks x against p's Min and Max; the error says which bound x
// breaks and what x is, without the field's path.
func CheckRange(p Param, x float64) error {
	if p.Min != nil {
		if p.MinExclusive && !(x > *p.Min) {
			return fmt.Errorf("must be above %s, got %s", fmtNum(*p.Min), fmtNum(x))
		}
		if !p.MinExclusive && !(x >= *p.Min) {
			return fmt.Errorf("must be at least %s, got %s", fmtNum(*p.Min), fmtNum(x))
		}
	}
	if p.Max != nil {
		if p.MaxExclusive && !(x < *p.Max) {
			return fmt.Errorf("must be below %s, got %s", fmtNum(*p.Max), fmtNum(x))
		}
		if !p.MaxExclusive && !(x <= *p.Max) {
			return fmt.Errorf("must be at most %s, got %s", fmtNum(*p.Max), fmtNum(x))
		}
	}
	return nil
}

// Range describes p's Min and Max as an interval, e.g. "[0, 1)" or ">= 1";
// it is empty when p has neither.
func Range(p Param) string {
	switch {
	case p.Min != nil && p.Max != nil:
		lo, hi := "[", "]"
		if p.MinExclusive {
			lo = "("
		}
		if p.MaxExclusive {
			hi = ")"
		}
		return lo + fmtNum(*p.Min) + ", " + fmtNum(*p.Max) + hi
	case p.Min != nil:
		if p.MinExclusive {
			return "> " + fmtNum(*p.Min)
		}
		return ">= " + fmtNum(*p.Min)
	case p.Max != nil:
		if p.MaxExclusive {
			return "< " + fmtNum(*p.Max)
		}
		return "<= " + fmtNum(*p.Max)
	}
	return ""
}

func fmtNum(x float64) string { return fmt.Sprint(x) }

func lookupParam(fields []Param, name string) *Param {
	for i := range fields {
		if fields[i].Name == name {
			return &fields[i]
		}
	}
	return nil
}

func containsString(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// deepCopy copies maps and lists so a default in a schema is never shared.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	case int:
		return int64(x)
	}
	return v
}
