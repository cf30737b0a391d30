package report

import (
	"fmt"
	"math"
	"os"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/records"
)

// HistoryPort is the output port holding a training history table (columns
// step, train_loss (or loss) and the nullable val_loss). A history without a
// training loss (a command's step metrics may be anything) draws no curve.
const HistoryPort = "history"

// maxHistoryRows bounds how much of a history table is read.
const maxHistoryRows = 1_000_000

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
	var out *artifacts.PortRecord
	for i := range st.Outputs {
		if st.Outputs[i].Port == HistoryPort && !st.Outputs[i].Dir {
			out = &st.Outputs[i]
		}
	}
	if out == nil {
		return nil, nil
	}
	path := ws.Store.ObjectPath(out.Digest)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("the history of stage %s (%s) is not in the workspace's store", st.Name, out.Digest)
	}
	cols, err := columns(path, []string{"step", "train_loss", "loss", "val_loss"}, map[string]bool{"train_loss": true, "loss": true, "val_loss": true}, maxHistoryRows)
	if err != nil {
		return nil, fmt.Errorf("reading the history of stage %s: %w", st.Name, err)
	}
	train, ok := cols["train_loss"]
	if !ok {
		if train, ok = cols["loss"]; !ok {
			return nil, nil
		}
	}
	c := &LossCurve{Stage: st.Name, Point: pointText(records.ParseInstance(st.Name)), Steps: floats(cols["step"]), Train: floats(train)}
	if v, ok := cols["val_loss"]; ok {
		c.Val = floats(v)
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
