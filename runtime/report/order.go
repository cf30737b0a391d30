package report

import (
	"maps"
	"slices"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime/records"
)

// sortedMetrics lists a stage's metric names: the key metrics its kind
// declares first, in the order declared, then the rest by name.
func sortedMetrics(st *artifacts.StageRecord) []string {
	return records.KeyNames(st.KeyMetrics).Sort(slices.Collect(maps.Keys(st.Metrics)))
}
