package records

import (
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
)

// Comparison sets several runs side by side: every parameter and every
// metric of every stage instance, a value per run, and each metric's change
// from the first run.
type Comparison struct {
	Runs    []RunRef    `json:"runs"`
	Params  []ParamRow  `json:"params"`
	Metrics []MetricRow `json:"metrics"`
}

// ParamRow is one parameter in each run (nil where a run lacks it).
type ParamRow struct {
	Key     string `json:"key"`
	Values  []any  `json:"values"`
	Changed bool   `json:"changed"`
}

// MetricRow is one metric of one stage instance in each run (nil where
// absent), with each run's change from the first.
type MetricRow struct {
	Stage  string     `json:"stage"`
	Metric string     `json:"metric"`
	Values []*float64 `json:"values"`
	Deltas []*float64 `json:"deltas"`
	// Key is whether the metric is one the runs are judged by (see KeyMetricNames).
	Key bool `json:"key,omitempty"`
}

// CompareRuns lines up the runs' params (flattened, with the overrides
// applied) and metrics.
func CompareRuns(ms []*artifacts.Manifest) *Comparison {
	c := &Comparison{Params: []ParamRow{}, Metrics: []MetricRow{}}
	flat := make([]map[string]any, len(ms))
	keys := map[string]bool{}
	for i, m := range ms {
		c.Runs = append(c.Runs, RunRef{ID: m.RunID, Definition: m.Definition.Name, Status: m.Status})
		flat[i] = map[string]any{}
		for _, p := range Flatten(m.Params) {
			flat[i][p.Key] = p.Value
			keys[p.Key] = true
		}
	}
	for _, k := range sortedSet(keys) {
		row := ParamRow{Key: k}
		for i := range ms {
			v, ok := flat[i][k]
			if !ok {
				v = nil
			}
			row.Values = append(row.Values, v)
			row.Changed = row.Changed || !reflect.DeepEqual(v, row.Values[0])
		}
		c.Params = append(c.Params, row)
	}
	var names []string
	seen := map[string]bool{}
	for _, m := range ms {
		for _, s := range m.Stages {
			if !seen[s.Name] {
				seen[s.Name] = true
				names = append(names, s.Name)
			}
		}
	}
	keyNames := KeyMetricNames(ms...)
	for _, name := range names {
		metrics := map[string]float64{}
		for _, m := range ms {
			if s := stageByName(m, name); s != nil {
				for k, v := range s.Metrics {
					metrics[k] = v
				}
			}
		}
		for _, metric := range metricNames(keyNames, metrics, nil) {
			row := MetricRow{Stage: name, Metric: metric, Key: keyNames.Has(metric)}
			for _, m := range ms {
				var v *float64
				if s := stageByName(m, name); s != nil {
					if x, ok := s.Metrics[metric]; ok {
						v = &x
					}
				}
				row.Values = append(row.Values, v)
				var d *float64
				if v != nil && row.Values[0] != nil {
					d, _ = change(*row.Values[0], *v)
				}
				row.Deltas = append(row.Deltas, d)
			}
			c.Metrics = append(c.Metrics, row)
		}
	}
	return c
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// WriteComparison prints the comparison as columns, a run each: the
// parameters that differ (all with all), then each metric with its change
// from the first run in parentheses.
func WriteComparison(w io.Writer, c *Comparison, all bool) error {
	tw := newColumns(w)
	head := []string{"", ""}
	for _, r := range c.Runs {
		head = append(head, r.ID)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	status := []string{"status", ""}
	for _, r := range c.Runs {
		status = append(status, r.Status)
	}
	fmt.Fprintln(tw, strings.Join(status, "\t"))
	for _, p := range c.Params {
		if !p.Changed && !all {
			continue
		}
		cells := []string{"param", p.Key}
		for _, v := range p.Values {
			cells = append(cells, sideValue(v))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	for _, m := range c.Metrics {
		changed := false
		for _, d := range m.Deltas[1:] {
			changed = changed || d == nil || *d != 0
		}
		if !changed && !all && !m.Key {
			continue
		}
		cells := []string{m.Stage, m.Metric}
		for i, v := range m.Values {
			cell := metricSide(v)
			if i > 0 && m.Deltas[i] != nil && *m.Deltas[i] != 0 {
				cell += " (" + FormatDelta(*m.Deltas[i]) + ")"
			}
			cells = append(cells, cell)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}
