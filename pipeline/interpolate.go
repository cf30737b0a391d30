package pipeline

import (
	"fmt"
	"strings"
)

// interpolator resolves ${...} references against params and records which
// parameters a value used.
type interpolator struct {
	params map[string]any
	e      *errs
	// refs collects the dotted paths referenced.
	refs map[string]bool
	// secrets collects `${secret:NAME}` references.
	secrets *secretTable
}

// resolve returns the node's value with every ${...} in its strings replaced.
func (in *interpolator) resolve(n *node) any {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case mapNode:
		m := make(map[string]any, len(n.Keys))
		for _, k := range n.Keys {
			m[k] = in.resolve(n.Map[k])
		}
		return m
	case listNode:
		l := make([]any, len(n.List))
		for i, v := range n.List {
			l[i] = in.resolve(v)
		}
		return l
	}
	s, ok := n.Value.(string)
	if !ok {
		return n.Value
	}
	return in.resolveString(n, s)
}

// resolveString interpolates one string. A string that is exactly one
// reference takes the referenced value's own type.
func (in *interpolator) resolveString(n *node, s string) any {
	if !strings.Contains(s, "$") {
		return s
	}
	if strings.HasPrefix(s, "${") && strings.Index(s, "}") == len(s)-1 && strings.Count(s, "${") == 1 {
		v, ok := in.lookup(n, s[2:len(s)-1])
		if !ok {
			return s
		}
		return v
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '$' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(s) && s[i+1] == '$' {
			b.WriteByte('$')
			i++
			continue
		}
		if i+1 < len(s) && s[i+1] == '{' {
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				in.e.at(n, "unterminated `${` in %q (write `$$` for a literal `$`)", s)
				return s
			}
			name := s[i+2 : i+2+end]
			v, ok := in.lookup(n, name)
			if ok {
				b.WriteString(formatValue(v))
			}
			i += 2 + end
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func (in *interpolator) lookup(n *node, name string) (any, bool) {
	name = strings.TrimSpace(name)
	if ref, ok := strings.CutPrefix(name, "secret:"); ok && in.secrets != nil {
		p, err := in.secrets.ref(strings.TrimSpace(ref))
		if err != nil {
			in.e.at(n, "%v", err)
			return nil, false
		}
		return p, true
	}
	v, ok := lookupPath(in.params, name)
	if !ok {
		hint := didYouMean(name, paramPaths(in.params))
		if hint == "" && strings.ToUpper(name) == name {
			hint = fmt.Sprintf(" (for a shell variable write `$${%s}`)", name)
		}
		in.e.at(n, "cannot resolve `${%s}`: no parameter `%s` in `params`%s", name, name, hint)
		return nil, false
	}
	if in.refs != nil {
		in.refs[name] = true
	}
	return v, true
}

// formatValue renders a value inside longer text.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return formatFloat(x)
	case map[string]any, []any:
		return canonicalJSONString(x)
	}
	return fmt.Sprint(v)
}
