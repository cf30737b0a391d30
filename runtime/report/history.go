package report

import (
	"math"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/records"
	"github.com/mlpipe/pipeline/stages/steps"
)

// LossCurve is the training history of one stage instance.
type LossCurve struct {
	// Stage is the instance name; Point its sweep point (empty without a sweep).
	Stage string
	Point string
	Steps []float64
	Train []float64
	// Val holds NaN at steps without a validation loss.
	Val []float64
}

// readLossCurve reads the history output of a stage record, if it has one.
func readLossCurve(ws *runtime.Workspace, st *artifacts.StageRecord) (*LossCurve, error) {
	h, err := records.ReadHistory(ws, st)
	if err != nil || h == nil {
		return nil, err
	}
	// A history without a training loss (a command's step metrics may be
	// anything) draws no curve.
	train, ok := h.Values[steps.TrainLoss]
	if !ok {
		if train, ok = h.Values[steps.Loss]; !ok {
			return nil, nil
		}
	}
	c := &LossCurve{Stage: st.Name, Point: pointText(records.ParseInstance(st.Name)), Steps: h.Steps, Train: train}
	if v, ok := h.Values[steps.ValLoss]; ok {
		c.Val = v
	} else {
		c.Val = make([]float64, len(c.Steps))
		for i := range c.Val {
			c.Val[i] = math.NaN()
		}
	}
	return c, nil
}

// pointText writes an instance's sweep point as `k=v, k=v`.
func pointText(in records.Instance) string {
	s := ""
	for i, a := range in.Point {
		if i > 0 {
			s += ", "
		}
		s += a.Key + "=" + a.Value
	}
	return s
}
