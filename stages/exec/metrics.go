package exec

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages/steps"
)

// Bounds on what a command may report, so that a runaway logger fails its
// stage instead of the engine.
const (
	// MaxMetricsBytes bounds the $PIPELINE_METRICS file.
	MaxMetricsBytes = 1 << 20
	// MaxMetrics bounds the distinct names in final or step metrics.
	MaxMetrics = 1024
	// MaxSteps bounds the lines of $PIPELINE_STEPS.
	MaxSteps = 1_000_000
	// MaxStepLine bounds one line of $PIPELINE_STEPS.
	MaxStepLine = 64 << 10
	// MaxStepCells bounds steps times distinct step metrics (the history
	// table is built in memory).
	MaxStepCells = 16 << 20
)

// StepKey is the key of a step record that numbers it.
const StepKey = steps.Step

// readMetrics reads the final metrics a command wrote to path (a JSON object
// of numbers). A missing file is no metrics.
func readMetrics(path string) (map[string]float64, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading $PIPELINE_METRICS: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxMetricsBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading $PIPELINE_METRICS: %w", err)
	}
	if len(b) > MaxMetricsBytes {
		return nil, fmt.Errorf("$PIPELINE_METRICS is larger than %d bytes", MaxMetricsBytes)
	}
	obj, err := decodeNumbers(b)
	if err != nil {
		return nil, fmt.Errorf("$PIPELINE_METRICS: %w", err)
	}
	return obj, nil
}

// decodeNumbers decodes a JSON object whose values are all numbers.
func decodeNumbers(b []byte) (map[string]float64, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("expected a JSON object of numbers: %w", err)
	}
	if len(raw) > MaxMetrics {
		return nil, fmt.Errorf("%d metrics; at most %d are kept", len(raw), MaxMetrics)
	}
	out := make(map[string]float64, len(raw))
	for _, k := range sortedKeys(raw) {
		v, err := number(raw[k])
		if err != nil {
			return nil, fmt.Errorf("metric `%s` %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}

// number decodes a JSON number, saying what the value is when it is not.
func number(m json.RawMessage) (float64, error) {
	var v any
	d := json.NewDecoder(bytes.NewReader(m))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return 0, fmt.Errorf("is not valid JSON: %w", err)
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("is %s, not a number", jsonKind(v))
	}
	f, err := n.Float64()
	if err != nil || math.IsInf(f, 0) {
		return 0, fmt.Errorf("is %s, out of a float64's range", n)
	}
	return f, nil
}

func jsonKind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", truncate(v, 40))
	case bool:
		return fmt.Sprintf("the boolean %v", v)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// stepLog is the step metrics a command logged, as columns.
type stepLog struct {
	steps  []int64
	names  []string             // metric names, sorted
	values map[string][]float64 // by name; NaN where a step did not log it
	set    map[string][]bool
}

// readSteps reads $PIPELINE_STEPS: one JSON object per line, numbers only,
// with an optional integer `step` (the line's index otherwise). A missing
// file is no steps.
func readSteps(path string) (*stepLog, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading $PIPELINE_STEPS: %w", err)
	}
	defer f.Close()
	lg := &stepLog{values: map[string][]float64{}, set: map[string][]bool{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), MaxStepLine)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if len(lg.steps) == MaxSteps {
			return nil, fmt.Errorf("$PIPELINE_STEPS holds more than %d steps", MaxSteps)
		}
		if err := lg.add(sc.Bytes()); err != nil {
			return nil, fmt.Errorf("$PIPELINE_STEPS line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("$PIPELINE_STEPS line %d is longer than %d bytes", line+1, MaxStepLine)
		}
		return nil, fmt.Errorf("reading $PIPELINE_STEPS: %w", err)
	}
	if len(lg.steps) == 0 {
		return nil, nil
	}
	sort.Strings(lg.names)
	return lg, nil
}

// add appends one step record.
func (lg *stepLog) add(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("expected a JSON object of numbers: %w", err)
	}
	row := len(lg.steps)
	step := int64(row)
	if s, ok := raw[StepKey]; ok {
		v, err := number(s)
		if err != nil {
			return fmt.Errorf("`step` %w", err)
		}
		if v != math.Trunc(v) || v < 0 || v > 1<<53 {
			return fmt.Errorf("`step` is %v; it must be a whole number from 0", v)
		}
		step = int64(v)
		delete(raw, StepKey)
	}
	lg.steps = append(lg.steps, step)
	for _, k := range sortedKeys(raw) {
		v, err := number(raw[k])
		if err != nil {
			return fmt.Errorf("metric `%s` %w", k, err)
		}
		col, ok := lg.values[k]
		if !ok {
			if len(lg.names) == MaxMetrics {
				return fmt.Errorf("more than %d distinct step metrics", MaxMetrics)
			}
			lg.names = append(lg.names, k)
			col = make([]float64, row, row+1)
			lg.set[k] = make([]bool, row, row+1)
		}
		lg.values[k] = append(col, v)
		lg.set[k] = append(lg.set[k], true)
	}
	if len(lg.names)*(row+1) > MaxStepCells {
		return fmt.Errorf("the step metrics exceed %d values (steps times metric names)", MaxStepCells)
	}
	for _, k := range lg.names {
		if len(lg.values[k]) == row {
			lg.values[k] = append(lg.values[k], 0)
			lg.set[k] = append(lg.set[k], false)
		}
	}
	return nil
}

// last returns each metric's value at the last step that logged it.
func (lg *stepLog) last() map[string]float64 {
	out := map[string]float64{}
	for _, k := range lg.names {
		for i := len(lg.steps) - 1; i >= 0; i-- {
			if lg.set[k][i] {
				out[k] = lg.values[k][i]
				break
			}
		}
	}
	return out
}

// writeHistory writes the steps (nil: none) as the history table at path:
// `step`, then one nullable float64 column per metric, by name.
func writeHistory(path string, lg *stepLog) error {
	fields := []arrow.Field{{Name: StepKey, Type: arrow.PrimitiveTypes.Int64}}
	if lg == nil {
		lg = &stepLog{}
	}
	for _, k := range lg.names {
		fields = append(fields, arrow.Field{Name: k, Type: arrow.PrimitiveTypes.Float64, Nullable: true})
	}
	schema := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	w, err := table.Create(path, schema)
	if err != nil {
		return fmt.Errorf("writing the step history: %w", err)
	}
	flush := func() error {
		rec := b.NewRecordBatch()
		defer rec.Release()
		return w.Write(rec)
	}
	for i, s := range lg.steps {
		b.Field(0).(*array.Int64Builder).Append(s)
		for j, k := range lg.names {
			fb := b.Field(j + 1).(*array.Float64Builder)
			if lg.set[k][i] {
				fb.Append(lg.values[k][i])
			} else {
				fb.AppendNull()
			}
		}
		if (i+1)%table.BatchRows == 0 {
			if err := flush(); err != nil {
				w.Abort()
				return fmt.Errorf("writing the step history: %w", err)
			}
		}
	}
	if len(lg.steps)%table.BatchRows != 0 || len(lg.steps) == 0 {
		if err := flush(); err != nil {
			w.Abort()
			return fmt.Errorf("writing the step history: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("writing the step history: %w", err)
	}
	return nil
}
