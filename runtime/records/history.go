package records

import (
	"fmt"
	"math"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/steps"
)

// MaxHistoryRows bounds how many steps of a history are read.
const MaxHistoryRows = 1_000_000

// History is the step metrics of one stage instance.
type History struct {
	// Stage is the instance name.
	Stage string
	// Steps holds each row's step (the row's index when the table has no step column).
	Steps []float64
	// Names are the metric columns, in table order; Values holds each one's
	// values by row, NaN where a step has none.
	Names  []string
	Values map[string][]float64
}

// HistoryOutput returns the stage's step-metrics output (its kind declares
// it a history, see package steps), if it has one.
func HistoryOutput(st *artifacts.StageRecord) *artifacts.PortRecord {
	for i := range st.Outputs {
		if st.Outputs[i].Role == string(stages.RoleHistory) && !st.Outputs[i].Dir {
			return &st.Outputs[i]
		}
	}
	return nil
}

// ReadHistory reads the history output of a stage record: nil when it has
// none, an error when the store no longer holds it or it cannot be read.
// Columns that are not numeric are left out.
func ReadHistory(ws *runtime.Workspace, st *artifacts.StageRecord) (*History, error) {
	out := HistoryOutput(st)
	if out == nil {
		return nil, nil
	}
	path := ws.Store.ObjectPath(out.Digest)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("the history of stage %s (%s) is not in the workspace's store", st.Name, out.Digest)
	}
	h, err := readHistoryTable(path)
	if err != nil {
		return nil, fmt.Errorf("reading the history of stage %s: %w", st.Name, err)
	}
	h.Stage = st.Name
	return h, nil
}

// readHistoryTable reads the numeric columns of a history table.
func readHistoryTable(path string) (*History, error) {
	r, err := table.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	h := &History{Values: map[string][]float64{}}
	stepCol := -1
	var cols []int
	for i, f := range r.Schema().Fields() {
		if !numeric(f.Type) {
			continue
		}
		if f.Name == steps.Step {
			stepCol = i
			continue
		}
		cols = append(cols, i)
		h.Names = append(h.Names, f.Name)
	}
	var rows int64
	for rec, err := range r.All() {
		if err != nil {
			return nil, fmt.Errorf("reading table %s: %w", path, err)
		}
		n := rec.NumRows()
		if rows+n > MaxHistoryRows {
			n = MaxHistoryRows - rows
		}
		for j := 0; j < int(n); j++ {
			step := float64(rows) + float64(j)
			if stepCol >= 0 {
				step = numberAt(rec.Column(stepCol), j)
			}
			h.Steps = append(h.Steps, step)
		}
		for k, c := range cols {
			col := rec.Column(c)
			for j := 0; j < int(n); j++ {
				h.Values[h.Names[k]] = append(h.Values[h.Names[k]], numberAt(col, j))
			}
		}
		rows += n
		if rows >= MaxHistoryRows {
			break
		}
	}
	return h, nil
}

func numeric(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.FLOAT64, arrow.FLOAT32, arrow.INT64, arrow.INT32, arrow.INT16, arrow.INT8,
		arrow.UINT64, arrow.UINT32, arrow.UINT16, arrow.UINT8:
		return true
	}
	return false
}

// numberAt reads one value of a numeric column (NaN for a null).
func numberAt(col arrow.Array, i int) float64 {
	if col.IsNull(i) {
		return math.NaN()
	}
	switch c := col.(type) {
	case *array.Float64:
		return c.Value(i)
	case *array.Float32:
		return float64(c.Value(i))
	case *array.Int64:
		return float64(c.Value(i))
	case *array.Int32:
		return float64(c.Value(i))
	case *array.Int16:
		return float64(c.Value(i))
	case *array.Int8:
		return float64(c.Value(i))
	case *array.Uint64:
		return float64(c.Value(i))
	case *array.Uint32:
		return float64(c.Value(i))
	case *array.Uint16:
		return float64(c.Value(i))
	case *array.Uint8:
		return float64(c.Value(i))
	}
	return math.NaN()
}
