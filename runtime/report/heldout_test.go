package report

import (
	"testing"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
)

// A model's eval and its baseline score the same held-out table: their
// metrics are charted side by side; a train stage's are not.
func TestHeldOutScoresCompareAcrossStages(t *testing.T) {
	m := &artifacts.Manifest{Stages: []artifacts.StageRecord{
		rec("classifier", "train", runtime.StatusRan, 100, map[string]float64{"accuracy": 0.99}, nil),
		rec("quality", "eval", runtime.StatusRan, 10, map[string]float64{"accuracy": 0.9917}, nil),
		rec("baseline", "baseline", runtime.StatusRan, 10, map[string]float64{"accuracy": 0.9785}, nil),
	}}
	charts := comparisonCharts(m)
	if len(charts) != 1 || charts[0].Title != "accuracy by stage" || len(charts[0].Bars) != 2 ||
		charts[0].Bars[0].Label != "quality" || charts[0].Bars[1].Label != "baseline" {
		t.Fatalf("charts %+v: want accuracy by stage for quality and baseline", charts)
	}
}
