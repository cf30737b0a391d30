package report

import (
	"sort"

	"github.com/mlpipe/pipeline/runtime/records"
)

// sortedMetrics lists a metric map's names: key metrics first, in
// records.KeyMetricNames order, then the rest by name.
func sortedMetrics(ms map[string]float64) []string {
	names := make([]string, 0, len(ms))
	for k := range ms {
		names = append(names, k)
	}
	return sortMetricNames(names)
}

// sortMetricNames sorts names in place the way sortedMetrics orders them.
func sortMetricNames(names []string) []string {
	rank := func(n string) int {
		for i, k := range records.KeyMetricNames {
			if k == n {
				return i
			}
		}
		return len(records.KeyMetricNames)
	}
	sort.Slice(names, func(i, j int) bool {
		if ri, rj := rank(names[i]), rank(names[j]); ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	return names
}
