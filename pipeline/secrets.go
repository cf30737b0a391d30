package pipeline

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Secret is a value a definition uses that no record may hold: a reference
// `${secret:NAME}`, resolved from the environment when a stage runs, or a
// literal found under a secret-looking name (`--set db_password=...`,
// `env: {API_TOKEN: ...}`), held in memory only. Wherever params are shown
// or recorded (manifests, keys, reports, explain, config) a secret appears
// as its placeholder, `[secret:NAME]`; the stage itself receives the value.
type Secret struct {
	// Name is the secret's name: the environment variable of a reference,
	// the parameter's name (or dotted path) of a literal.
	Name string
	// Inline is set for a literal value taken from the definition or the
	// command line rather than from the environment.
	Inline bool
	value  string
}

// Value returns an inline secret's value, or "" for a reference.
func (s *Secret) Value() string { return s.value }

// SecretPlaceholder is what records show in place of the secret name.
func SecretPlaceholder(name string) string { return "[secret:" + name + "]" }

// secretRefName is a valid name in `${secret:NAME}`.
var secretRefName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// placeholderPattern finds placeholders in text.
var placeholderPattern = regexp.MustCompile(`\[secret:([A-Za-z0-9_.\-]+)\]`)

// secretTable collects the secrets a compilation meets.
type secretTable struct {
	byName   map[string]*Secret
	warnings []string
	warned   map[string]bool
}

func newSecretTable() *secretTable {
	return &secretTable{byName: map[string]*Secret{}, warned: map[string]bool{}}
}

// ref registers `${secret:NAME}` and returns its placeholder.
func (t *secretTable) ref(name string) (string, error) {
	if !secretRefName.MatchString(name) {
		return "", fmt.Errorf("`${secret:%s}`: a secret's name is an environment variable's: letters, digits and `_`, not starting with a digit", name)
	}
	if s, ok := t.byName[name]; ok && s.Inline {
		return "", fmt.Errorf("`${secret:%s}`: a literal secret-looking value is already named `%s`; rename the parameter or pass it by reference", name, name)
	}
	t.byName[name] = &Secret{Name: name}
	return SecretPlaceholder(name), nil
}

// inline registers a literal found at path (dotted) under key and returns
// its placeholder. The same value under the same key is one secret.
func (t *secretTable) inline(key, path, value, where string) string {
	name := key
	if s, ok := t.byName[name]; ok && (!s.Inline || s.value != value) {
		name = path
		if s, ok := t.byName[name]; ok && (!s.Inline || s.value != value) {
			name = fmt.Sprintf("%s.%d", path, len(t.byName))
		}
	}
	if _, ok := t.byName[name]; !ok {
		t.byName[name] = &Secret{Name: name, Inline: true, value: value}
	}
	if !t.warned[where] {
		t.warned[where] = true
		t.warnings = append(t.warnings, fmt.Sprintf("%s looks like a secret: its value is kept out of every record as %s; "+
			"pass it as ${secret:%s} and set %s in the environment so that it is never written in the definition or on a command line",
			where, SecretPlaceholder(name), envName(key), envName(key)))
	}
	return SecretPlaceholder(name)
}

// envName suggests an environment variable name for a parameter's key.
func envName(key string) string {
	var b strings.Builder
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// hide returns v with every literal that looks secret (a string under a
// secret-looking key, or a URL whose userinfo holds a password) replaced
// by a placeholder and, with refs, every `${secret:NAME}` by its
// reference's placeholder (stages' values had theirs replaced when they
// were interpolated). path is v's dotted path; what names its place in
// warnings (`params`, "stage `train` with").
func (t *secretTable) hide(e *errs, n *node, refs bool, what, path, key string, v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e2 := range x {
			out[k] = t.hide(e, n, refs, what, joinPath(path, k), k, e2)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e2 := range x {
			out[i] = t.hide(e, n, refs, what, path, key, e2)
		}
		return out
	case string:
		s := x
		if refs {
			s = t.refsIn(e, n, x)
		}
		if s == "" || strings.Contains(s, "[secret:") {
			return s
		}
		if LooksSecret(key) || hasURLPassword(s) {
			return t.inline(key, path, s, fmt.Sprintf("%s: `%s`", what, path))
		}
		return s
	}
	return v
}

// refsIn replaces each `${secret:NAME}` in s by its placeholder.
func (t *secretTable) refsIn(e *errs, n *node, s string) string {
	for {
		i := strings.Index(s, "${secret:")
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			e.at(n, "unterminated `${secret:` in a parameter's value")
			return s
		}
		p, err := t.ref(s[i+len("${secret:") : i+j])
		if err != nil {
			e.at(n, "%v", err)
			return s
		}
		s = s[:i] + p + s[i+j+1:]
	}
}

func joinPath(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

// secretsIn lists, sorted, the names of the table's secrets whose
// placeholders v holds.
func (t *secretTable) secretsIn(v any) []string {
	seen := map[string]bool{}
	walkStrings(v, func(s string) {
		for _, m := range placeholderPattern.FindAllStringSubmatch(s, -1) {
			if _, ok := t.byName[m[1]]; ok {
				seen[m[1]] = true
			}
		}
	})
	if len(seen) == 0 {
		return nil
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// walkStrings calls f with every string in v.
func walkStrings(v any, f func(string)) {
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			walkStrings(e, f)
		}
	case []any:
		for _, e := range x {
			walkStrings(e, f)
		}
	case string:
		f(x)
	}
}

// FillSecrets returns a copy of params with the placeholder of each secret
// in values replaced by its value: what a stage receives when it runs.
func FillSecrets(params map[string]any, values map[string]string) map[string]any {
	if len(values) == 0 {
		return params
	}
	return fill(params, values).(map[string]any)
}

func fill(v any, values map[string]string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = fill(e, values)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fill(e, values)
		}
		return out
	case string:
		if !strings.Contains(x, "[secret:") {
			return x
		}
		return placeholderPattern.ReplaceAllStringFunc(x, func(m string) string {
			if val, ok := values[m[len("[secret:"):len(m)-1]]; ok {
				return val
			}
			return m
		})
	}
	return v
}

// hideOverrides returns the overrides with the value of each that params
// now hold as a secret placeholder replaced by that placeholder.
func hideOverrides(sets []Override, params map[string]any) []Override {
	out := make([]Override, len(sets))
	for i, o := range sets {
		out[i] = o
		if v, ok := lookupPath(params, o.Key); ok {
			if s, ok := v.(string); ok && strings.Contains(s, "[secret:") {
				out[i].Value = s
			}
		}
	}
	return out
}

// InlineSecrets lists, sorted, the names of the graph's literal secrets.
func (g *Graph) InlineSecrets() []string {
	var out []string
	for name, s := range g.Secrets {
		if s.Inline {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// paramsNode is the `params:` mapping, for placing errors in its values.
func (d *Definition) paramsNode() *node {
	if d.root == nil || d.root.Kind != mapNode {
		return nil
	}
	return d.root.Map["params"]
}
