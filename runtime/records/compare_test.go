package records

import (
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/artifacts"
)

// Three runs line up a column each: params that differ, metrics with their
// change from the first run, a dash where a run lacks a stage.
func TestCompareRuns(t *testing.T) {
	mk := func(id string, lr float64, acc *float64) *artifacts.Manifest {
		m := &artifacts.Manifest{RunID: id, Status: "succeeded", Params: map[string]any{"lr": lr, "seed": int64(1)}}
		st := artifacts.StageRecord{Name: "train", Metrics: map[string]float64{"train_loss": 0.5}}
		m.Stages = append(m.Stages, st)
		if acc != nil {
			m.Stages = append(m.Stages, artifacts.StageRecord{Name: "eval", Metrics: map[string]float64{"accuracy": *acc}})
		}
		return m
	}
	a, b := 0.9, 0.95
	c := CompareRuns([]*artifacts.Manifest{mk("r1", 0.1, &a), mk("r2", 0.2, &b), mk("r3", 0.1, nil)})
	if len(c.Runs) != 3 || len(c.Params) != 2 || !c.Params[0].Changed || c.Params[1].Changed {
		t.Fatalf("params %+v", c.Params)
	}
	var out strings.Builder
	if err := WriteComparison(&out, c, false); err != nil {
		t.Fatal(err)
	}
	want := "                  r1         r2            r3\n" +
		"status            succeeded  succeeded     succeeded\n" +
		"param   lr        0.1        0.2           0.1\n" +
		"eval    accuracy  0.9        0.95 (+0.05)  -\n"
	if out.String() != want {
		t.Errorf("got\n%q\nwant\n%q", out.String(), want)
	}
}
