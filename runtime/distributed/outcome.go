package distributed

import (
	"context"
	"errors"
	"time"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/runtime"
)

// StageOutcome is what one stage of a distributed run reports back: its
// status, key, outputs by digest and its manifest record. It is small and
// holds no data, so it can pass through a workflow engine.
type StageOutcome struct {
	// Name is the stage instance.
	Name string `json:"name"`
	// Status is StatusRan, StatusCached, StatusFailed or StatusSkipped.
	Status string `json:"status"`
	// Key is the stage's key (empty when it was never computed).
	Key string `json:"key,omitempty"`
	// Outputs are the published outputs by port.
	Outputs map[string]artifacts.Output `json:"outputs,omitempty"`
	// Record is the stage's manifest record.
	Record artifacts.StageRecord `json:"record"`
	// Error says why the stage failed, or why it was skipped.
	Error string `json:"error,omitempty"`
	// LogTail is the end of a failed stage's own output.
	LogTail string `json:"log_tail,omitempty"`
}

// Outcome turns a stage result into its outcome.
func Outcome(res *runtime.StageResult) *StageOutcome {
	o := &StageOutcome{Name: res.Node.Name, Status: res.Status, Key: res.Key, Outputs: res.Outputs, Record: res.Record, LogTail: res.LogTail}
	if res.Err != nil {
		o.Error = res.Err.Error()
	}
	return o
}

// RemoteOutcomes finds the stages of g the remote store already holds (see
// runtime.RemoteResults) and returns their outcomes by instance name, with
// the keys of every stage it could key.
func RemoteOutcomes(ctx context.Context, g *pipeline.Graph, ws *runtime.Workspace, remote runtime.RemoteStore) (found map[string]*StageOutcome, keys map[string]string, err error) {
	results, keys, err := runtime.RemoteResults(ctx, g, ws, remote)
	if err != nil {
		return nil, nil, err
	}
	found = make(map[string]*StageOutcome, len(results))
	for name, res := range results {
		found[name] = Outcome(res)
	}
	return found, keys, nil
}

// RecordRun records, in ws, a run whose stages were carried out elsewhere,
// from the outcomes they reported (see runtime.RecordRun). A stage without
// an outcome is recorded as skipped.
func RecordRun(ctx context.Context, g *pipeline.Graph, ws *runtime.Workspace, outcomes map[string]*StageOutcome, started time.Time, opts runtime.Options) (*runtime.RunResult, error) {
	results := make(map[string]*runtime.StageResult, len(outcomes))
	for name, o := range outcomes {
		if o == nil {
			continue
		}
		res := &runtime.StageResult{Status: o.Status, Key: o.Key, Record: o.Record, Outputs: o.Outputs, LogTail: o.LogTail}
		if o.Error != "" {
			res.Err = errors.New(o.Error)
		}
		results[name] = res
	}
	return runtime.RecordRun(ctx, g, ws, results, started, opts)
}
