package pipeline

import (
	"regexp"
	"slices"

	"github.com/mlpipe/pipeline/stages"
)

// maxKeyMetrics bounds the names a stage's `key_metrics:` lists.
const maxKeyMetrics = 32

// metricNameRE is what a metric name in `key_metrics:` looks like.
var metricNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,127}$`)

// parseKeyMetrics reads a stage's `key_metrics:` value: the metrics the
// run is judged and compared by, most telling first, for a stage whose
// kind cannot know them (a command's, a script's) or to change what its
// kind declares. Like resources, it never enters the stage's key.
func parseKeyMetrics(e *errs, stage string, n *node) []string {
	if n == nil || (n.Kind == scalarNode && n.Value == nil) {
		return nil
	}
	if n.Kind != listNode {
		e.at(n, "`key_metrics` of stage `%s` must be a list of metric names", stage)
		return nil
	}
	if len(n.List) > maxKeyMetrics {
		e.at(n, "`key_metrics` of stage `%s` lists %d metrics; at most %d", stage, len(n.List), maxKeyMetrics)
		return nil
	}
	var out []string
	for _, m := range n.List {
		s, ok := m.Value.(string)
		if m.Kind != scalarNode || !ok || !metricNameRE.MatchString(s) {
			e.at(m, "each entry of `key_metrics` of stage `%s` must be a metric name (letters, digits, _ . -)", stage)
			continue
		}
		if slices.Contains(out, s) {
			e.at(m, "`key_metrics` of stage `%s` lists `%s` twice", stage, s)
			continue
		}
		out = append(out, s)
	}
	return out
}

// withKeyMetrics returns the plan with the definition's key metrics, when
// it lists any, in place of the kind's, and leading its headline.
func withKeyMetrics(plan *stages.Plan, keys []string) *stages.Plan {
	if len(keys) == 0 {
		return plan
	}
	p := *plan
	p.KeyMetrics = slices.Clone(keys)
	p.Headline = slices.Clone(keys)
	for _, h := range plan.Headline {
		if !slices.Contains(p.Headline, h) {
			p.Headline = append(p.Headline, h)
		}
	}
	return &p
}
