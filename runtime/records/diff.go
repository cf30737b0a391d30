package records

import (
	"math"
	"reflect"
	"sort"

	"github.com/mlpipe/pipeline/artifacts"
)

// Diff sets two runs side by side: their parameters, the overrides given,
// each stage instance's status and key, and every metric with its change.
// Sweep points are stage instances of their own, so each appears as rows.
type Diff struct {
	A         RunRef         `json:"a"`
	B         RunRef         `json:"b"`
	Params    []ParamChange  `json:"params"`
	Overrides []ParamChange  `json:"overrides"`
	Stages    []StageChange  `json:"stages"`
	Metrics   []MetricChange `json:"metrics"`
}

// RunRef names one side of a diff.
type RunRef struct {
	ID         string `json:"id"`
	Definition string `json:"definition"`
	Status     string `json:"status"`
}

// ParamChange is one parameter in both runs. A side that lacks it is nil.
type ParamChange struct {
	Key     string `json:"key"`
	A       any    `json:"a"`
	B       any    `json:"b"`
	Changed bool   `json:"changed"`
	// Delta and Relative are set when both values are numbers.
	Delta    *float64 `json:"delta,omitempty"`
	Relative *float64 `json:"relative,omitempty"`
}

// StageChange is one stage instance in both runs: its status on each side
// ("" where a run lacks it) and whether its key changed.
type StageChange struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	AStatus    string `json:"a_status"`
	BStatus    string `json:"b_status"`
	KeyChanged bool   `json:"key_changed"`
}

// MetricChange is one metric of one stage instance in both runs: the values
// (nil where absent), the absolute change B−A and the change relative to |A|.
type MetricChange struct {
	Stage    string   `json:"stage"`
	Metric   string   `json:"metric"`
	A        *float64 `json:"a"`
	B        *float64 `json:"b"`
	Delta    *float64 `json:"delta"`
	Relative *float64 `json:"relative"`
	// Key is whether the metric is one the run is judged by (see KeyMetricNames).
	Key bool `json:"key,omitempty"`
}

// Compare diffs run a against run b.
func Compare(a, b *artifacts.Manifest) *Diff {
	d := &Diff{
		A:         RunRef{ID: a.RunID, Definition: a.Definition.Name, Status: a.Status},
		B:         RunRef{ID: b.RunID, Definition: b.Definition.Name, Status: b.Status},
		Params:    compareParams(a.Params, b.Params),
		Overrides: compareParams(a.Overrides, b.Overrides),
		Stages:    []StageChange{},
		Metrics:   []MetricChange{},
	}
	keys := KeyMetricNames(a, b)
	for _, name := range stageNames(a, b) {
		sa, sb := stageByName(a, name), stageByName(b, name)
		sc := StageChange{Name: name}
		var ma, mb map[string]float64
		if sa != nil {
			sc.Kind, sc.AStatus, ma = sa.Kind, sa.Status, sa.Metrics
		}
		if sb != nil {
			sc.Kind, sc.BStatus, mb = sb.Kind, sb.Status, sb.Metrics
		}
		sc.KeyChanged = sa == nil || sb == nil || sa.Key != sb.Key
		d.Stages = append(d.Stages, sc)
		for _, metric := range metricNames(keys, ma, mb) {
			mc := compareMetric(name, metric, ma, mb)
			mc.Key = keys.Has(metric)
			d.Metrics = append(d.Metrics, mc)
		}
	}
	return d
}

// compareParams lines up two parameter maps by dotted path.
func compareParams(a, b map[string]any) []ParamChange {
	fa, fb := Flatten(a), Flatten(b)
	va, vb := map[string]any{}, map[string]any{}
	var keys []string
	for _, p := range fa {
		va[p.Key] = p.Value
		keys = append(keys, p.Key)
	}
	for _, p := range fb {
		if _, ok := va[p.Key]; !ok {
			keys = append(keys, p.Key)
		}
		vb[p.Key] = p.Value
	}
	sort.Strings(keys)
	out := []ParamChange{}
	for _, k := range keys {
		pa, pb := va[k], vb[k]
		c := ParamChange{Key: k, A: pa, B: pb, Changed: !reflect.DeepEqual(pa, pb)}
		if x, ok := number(pa); ok {
			if y, ok := number(pb); ok && c.Changed {
				c.Delta, c.Relative = change(x, y)
			}
		}
		out = append(out, c)
	}
	return out
}

func compareMetric(stage, metric string, ma, mb map[string]float64) MetricChange {
	c := MetricChange{Stage: stage, Metric: metric}
	if v, ok := ma[metric]; ok {
		c.A = &v
	}
	if v, ok := mb[metric]; ok {
		c.B = &v
	}
	if c.A != nil && c.B != nil {
		c.Delta, c.Relative = change(*c.A, *c.B)
	}
	return c
}

// change returns b−a and (b−a)/|a|; the relative change is nil when a is 0
// or either side is not finite.
func change(a, b float64) (*float64, *float64) {
	d := b - a
	if math.IsNaN(d) {
		return nil, nil
	}
	if a == 0 || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return &d, nil
	}
	r := d / math.Abs(a)
	return &d, &r
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	}
	return 0, false
}

// stageNames lists the stage instances of a in order, then those only b has.
func stageNames(a, b *artifacts.Manifest) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []*artifacts.Manifest{a, b} {
		for _, s := range m.Stages {
			if !seen[s.Name] {
				seen[s.Name] = true
				out = append(out, s.Name)
			}
		}
	}
	return out
}

func stageByName(m *artifacts.Manifest, name string) *artifacts.StageRecord {
	for i := range m.Stages {
		if m.Stages[i].Name == name {
			return &m.Stages[i]
		}
	}
	return nil
}

// metricNames lists the metrics either side reports: key metrics first, then
// the rest by name.
func metricNames(keys KeyNames, a, b map[string]float64) []string {
	set := map[string]bool{}
	for k := range a {
		set[k] = true
	}
	for k := range b {
		set[k] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	return keys.Sort(out)
}
