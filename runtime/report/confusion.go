package report

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/evaltables"
)

// maxLabels bounds the classes a confusion matrix shows.
const maxLabels = 40

// Confusion is the confusion matrix and per-class scores of one stage instance.
type Confusion struct {
	Stage string
	// Labels are the classes, in the table's order.
	Labels []string
	// Counts[a][p] is how many items of class a were predicted as p.
	Counts [][]int64
	// Truncated is how many labels were left out to keep the table readable.
	Truncated int
	PerClass  []ClassScores
}

// ClassScores is one row of an evaluation's per-class table.
type ClassScores struct {
	Label                 string
	Precision, Recall, F1 float64
	Support               int64
}

// readConfusion reads a stage record's confusion matrix, if it has a
// non-empty one (a language model's tables are empty).
func readConfusion(ws *runtime.Workspace, st *artifacts.StageRecord) (*Confusion, error) {
	var out *artifacts.PortRecord
	for i := range st.Outputs {
		if st.Outputs[i].Role == string(stages.RoleEvaluation) && st.Outputs[i].Dir {
			out = &st.Outputs[i]
		}
	}
	if out == nil {
		return nil, nil
	}
	dir := ws.Store.ObjectPath(out.Digest)
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("the tables of stage %s (%s) are not in the workspace's store", st.Name, out.Digest)
	}
	path := filepath.Join(dir, evaltables.ConfusionFile)
	if _, err := os.Stat(path); err != nil {
		return nil, nil
	}
	cols, err := columns(path, []string{evaltables.Actual, evaltables.Predicted, evaltables.Count}, nil, maxLabels*maxLabels*4)
	if err != nil {
		return nil, fmt.Errorf("reading the confusion matrix of stage %s: %w", st.Name, err)
	}
	actual, predicted, count := texts(cols[evaltables.Actual]), texts(cols[evaltables.Predicted]), floats(cols[evaltables.Count])
	if len(actual) == 0 {
		return nil, nil
	}
	c := &Confusion{Stage: st.Name}
	index := map[string]int{}
	all := 0
	for _, l := range append(append([]string{}, actual...), predicted...) {
		if _, ok := index[l]; ok {
			continue
		}
		all++
		if len(c.Labels) == maxLabels {
			index[l] = -1
			continue
		}
		index[l] = len(c.Labels)
		c.Labels = append(c.Labels, l)
	}
	c.Truncated = all - len(c.Labels)
	c.Counts = make([][]int64, len(c.Labels))
	for i := range c.Counts {
		c.Counts[i] = make([]int64, len(c.Labels))
	}
	for i := range actual {
		a, p := index[actual[i]], index[predicted[i]]
		if a >= 0 && p >= 0 {
			c.Counts[a][p] += int64(count[i])
		}
	}
	pc := filepath.Join(dir, evaltables.PerClassFile)
	if _, err := os.Stat(pc); err == nil {
		cols, err := columns(pc, []string{evaltables.Label, evaltables.Precision, evaltables.Recall, evaltables.F1, evaltables.Support}, nil, maxLabels)
		if err != nil {
			return nil, fmt.Errorf("reading the per-class scores of stage %s: %w", st.Name, err)
		}
		labels, prec, rec, f1, sup := texts(cols[evaltables.Label]), floats(cols[evaltables.Precision]), floats(cols[evaltables.Recall]), floats(cols[evaltables.F1]), floats(cols[evaltables.Support])
		for i := range labels {
			c.PerClass = append(c.PerClass, ClassScores{Label: labels[i], Precision: prec[i], Recall: rec[i], F1: f1[i], Support: int64(sup[i])})
		}
	}
	return c, nil
}
