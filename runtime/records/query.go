package records

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Fields a run can be selected, sorted and shown by, besides `params.K`,
// `metrics.NAME` (or `metrics.STAGE.NAME`) and `tags.K`.
var runFields = []string{"id", "name", "status", "started", "took", "definition", "stages", "ran", "cached", "failed", "skipped", "note", "git.commit", "git.branch", "git.dirty"}

// RunFields lists the fields every run has, besides params, metrics and
// tags (see Summary.Field).
func RunFields() []string { return slices.Clone(runFields) }

// Field returns a run's value of a field: a number for counts, durations
// (milliseconds) and metrics, else text; ok is false when the run has none.
// `metrics.NAME` is the best value any stage instance reported (see
// HigherIsBetter); `metrics.STAGE.NAME` one instance's.
func (s Summary) Field(name string) (any, bool) {
	switch name {
	case "id":
		return s.ID, true
	case "name":
		return s.Name, s.Name != ""
	case "status":
		return s.Status, true
	case "started":
		return FormatTime(s.StartedAt), !s.StartedAt.IsZero()
	case "took":
		return float64(s.DurationMS), true
	case "definition":
		return s.Definition, true
	case "stages":
		return float64(s.Stages), true
	case "ran":
		return float64(s.Ran), true
	case "cached":
		return float64(s.Cached), true
	case "failed":
		return float64(s.Failed), true
	case "skipped":
		return float64(s.Skipped), true
	case "note":
		return s.Note, s.Note != ""
	case "git.commit":
		return gitField(s, func() string { return s.Git.Commit })
	case "git.branch":
		return gitField(s, func() string { return s.Git.Branch })
	case "git.dirty":
		if s.Git == nil {
			return nil, false
		}
		return strconv.FormatBool(s.Git.Dirty), true
	}
	if k, ok := strings.CutPrefix(name, "tags."); ok {
		v, ok := s.Tags[k]
		return v, ok
	}
	if k, ok := strings.CutPrefix(name, "params."); ok {
		v, ok := lookupParam(s.Params, k)
		if !ok {
			return nil, false
		}
		if f, ok := number(v); ok {
			return f, true
		}
		return FormatValue(v), true
	}
	if k, ok := strings.CutPrefix(name, "metrics."); ok {
		return s.metric(k)
	}
	return nil, false
}

func gitField(s Summary, f func() string) (any, bool) {
	if s.Git == nil {
		return nil, false
	}
	v := f()
	return v, v != ""
}

// metric finds `NAME` (the best over instances) or `STAGE.NAME`.
func (s Summary) metric(k string) (any, bool) {
	best, found := 0.0, false
	for _, m := range s.AllMetrics {
		if m.Stage+"."+m.Metric == k {
			return m.Value, true
		}
		if m.Metric != k {
			continue
		}
		if !found || (HigherIsBetter(k) && m.Value > best) || (!HigherIsBetter(k) && m.Value < best) {
			best, found = m.Value, true
		}
	}
	return best, found
}

// lookupParam finds a dotted path in nested params.
func lookupParam(params map[string]any, path string) (any, bool) {
	var cur any = params
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// CheckField reports whether name is a field runs have.
func CheckField(name string) error {
	for _, f := range runFields {
		if name == f {
			return nil
		}
	}
	for _, p := range []string{"params.", "metrics.", "tags."} {
		if strings.HasPrefix(name, p) && len(name) > len(p) {
			return nil
		}
	}
	return fmt.Errorf("unknown field %q (fields: %s, params.KEY, metrics.NAME, metrics.STAGE.NAME, tags.KEY)", name, strings.Join(runFields, ", "))
}

// Filter is a parsed `--filter` expression: comparisons joined by `and`
// and `or` (`and` binds tighter), such as
// `metrics.accuracy > 0.97 and params.lr < 0.01 or tags.owner = ana`.
type Filter struct {
	// any of these groups, each all of its comparisons
	groups [][]comparison
}

// comparison is one `FIELD OP VALUE`.
type comparison struct {
	field, op, value string
}

// maxFilter bounds a filter expression's length.
const maxFilter = 4 << 10

// ParseFilter parses a filter expression.
func ParseFilter(expr string) (*Filter, error) {
	if len(expr) > maxFilter {
		return nil, fmt.Errorf("filter: over %d KiB", maxFilter>>10)
	}
	toks, err := tokenize(expr)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("filter: empty")
	}
	f := &Filter{groups: [][]comparison{nil}}
	for i := 0; i < len(toks); {
		if i+3 > len(toks) {
			return nil, fmt.Errorf("filter %q: expected FIELD OP VALUE at %q", expr, strings.Join(toks[i:], " "))
		}
		c := comparison{field: toks[i], op: toks[i+1], value: toks[i+2]}
		if err := CheckField(c.field); err != nil {
			return nil, fmt.Errorf("filter: %w", err)
		}
		switch c.op {
		case "=", "==", "!=", "<", "<=", ">", ">=", "~":
		default:
			return nil, fmt.Errorf("filter %q: unknown operator %q (use = != < <= > >= or ~ for contains)", expr, c.op)
		}
		last := len(f.groups) - 1
		f.groups[last] = append(f.groups[last], c)
		i += 3
		if i == len(toks) {
			break
		}
		switch strings.ToLower(toks[i]) {
		case "and":
		case "or":
			f.groups = append(f.groups, nil)
		default:
			return nil, fmt.Errorf("filter %q: expected `and` or `or` before %q", expr, toks[i])
		}
		i++
		if i == len(toks) {
			return nil, fmt.Errorf("filter %q: ends after `%s`", expr, toks[i-1])
		}
	}
	return f, nil
}

// tokenize splits an expression into fields, operators and values; values
// may be quoted with ' or ".
func tokenize(expr string) ([]string, error) {
	var toks []string
	rs := []rune(expr)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '\'' || r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != r {
				j++
			}
			if j == len(rs) {
				return nil, fmt.Errorf("filter %q: unterminated quote", expr)
			}
			toks = append(toks, string(rs[i+1:j]))
			i = j + 1
		case strings.ContainsRune("=!<>~", r):
			j := i + 1
			for j < len(rs) && strings.ContainsRune("=<>", rs[j]) {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && !strings.ContainsRune("=!<>~'\"", rs[j]) {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		}
	}
	return toks, nil
}

// Match reports whether a run satisfies the filter. A comparison with a
// field the run lacks is false.
func (f *Filter) Match(s Summary) bool {
	for _, g := range f.groups {
		all := true
		for _, c := range g {
			if !c.match(s) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func (c comparison) match(s Summary) bool {
	v, ok := s.Field(c.field)
	if !ok {
		return c.op == "!="
	}
	if x, isNum := v.(float64); isNum {
		y, err := strconv.ParseFloat(c.value, 64)
		if err == nil {
			return compareNumbers(x, y, c.op)
		}
	}
	a := fmt.Sprint(v)
	switch c.op {
	case "=", "==":
		return a == c.value
	case "!=":
		return a != c.value
	case "~":
		return strings.Contains(a, c.value)
	case "<":
		return a < c.value
	case "<=":
		return a <= c.value
	case ">":
		return a > c.value
	case ">=":
		return a >= c.value
	}
	return false
}

func compareNumbers(x, y float64, op string) bool {
	switch op {
	case "=", "==":
		return x == y
	case "!=":
		return x != y
	case "<":
		return x < y
	case "<=":
		return x <= y
	case ">":
		return x > y
	case ">=":
		return x >= y
	case "~":
		return strings.Contains(FormatMetric(x), FormatMetric(y))
	}
	return false
}

// SortRuns orders runs by a field, ascending, or descending with a leading
// `-`; runs lacking the field come last, and ties keep their order (newest
// first).
func SortRuns(runs []Summary, by string) error {
	desc := strings.HasPrefix(by, "-")
	field := strings.TrimPrefix(by, "-")
	if err := CheckField(field); err != nil {
		return fmt.Errorf("--sort: %w", err)
	}
	sort.SliceStable(runs, func(i, j int) bool {
		a, okA := runs[i].Field(field)
		b, okB := runs[j].Field(field)
		if !okA || !okB {
			return okA && !okB
		}
		less, greater := lessValue(a, b), lessValue(b, a)
		if desc {
			return greater
		}
		return less
	})
	return nil
}

func lessValue(a, b any) bool {
	x, okX := a.(float64)
	y, okY := b.(float64)
	if okX && okY {
		if math.IsNaN(x) {
			return false
		}
		return x < y || math.IsNaN(y)
	}
	return fmt.Sprint(a) < fmt.Sprint(b)
}
