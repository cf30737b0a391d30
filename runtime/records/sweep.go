package records

import (
	"sort"

	"github.com/mlpipe/pipeline/artifacts"
)

// SweepTable has one row per sweep point of a run: the values the point
// gave each swept parameter and the metrics of every stage instance the
// point reached. A run without a sweep has an empty table.
type SweepTable struct {
	// Axes are the swept parameters, in the order instance names give them.
	Axes []string `json:"axes"`
	// Columns are the metrics shown, by definition stage.
	Columns []SweepColumn `json:"columns"`
	// Constant lists metrics left out because every point had the same value.
	Constant []SweepColumn `json:"constant,omitempty"`
	// Rows are the points, in the order the run lists them.
	Rows []SweepRow `json:"rows"`
}

// SweepColumn is one metric of one definition stage.
type SweepColumn struct {
	Stage  string `json:"stage"`
	Metric string `json:"metric"`
}

// SweepRow is one sweep point.
type SweepRow struct {
	// Point holds the value of each axis ("" when the point gives none).
	Point []string `json:"point"`
	// Instances are the stage instances the point reached, with their statuses.
	Instances []PointInstance `json:"instances"`
	// Values holds each column's metric (nil when not reported).
	Values []*float64 `json:"values"`
}

// PointInstance is one stage instance of a sweep point.
type PointInstance struct {
	Name   string `json:"name"`
	Status string `json:"status"`
}

// Sweep builds the sweep table of a run from its stage instance names.
func Sweep(m *artifacts.Manifest) SweepTable {
	t := SweepTable{Axes: []string{}, Columns: []SweepColumn{}, Rows: []SweepRow{}}
	keys := KeyMetricNames(m)
	var swept []Instance
	var recs []*artifacts.StageRecord
	axisIndex := map[string]int{}
	var values [][]string // per axis, values in first-appearance order
	for i := range m.Stages {
		in := ParseInstance(m.Stages[i].Name)
		if len(in.Point) == 0 {
			continue
		}
		swept = append(swept, in)
		recs = append(recs, &m.Stages[i])
		for _, a := range in.Point {
			ai, ok := axisIndex[a.Key]
			if !ok {
				ai = len(t.Axes)
				axisIndex[a.Key] = ai
				t.Axes = append(t.Axes, a.Key)
				values = append(values, nil)
			}
			if !contains(values[ai], a.Value) {
				values[ai] = append(values[ai], a.Value)
			}
		}
	}
	if len(swept) == 0 {
		return t
	}
	t.Rows = sweepRows(t.Axes, axisIndex, swept, values)
	// Columns: each metric of each swept stage, key metrics first.
	colIndex := map[SweepColumn]int{}
	var cols []SweepColumn
	stageOrder := map[string]int{}
	for i, in := range swept {
		if _, ok := stageOrder[in.Stage]; !ok {
			stageOrder[in.Stage] = len(stageOrder)
		}
		for name := range recs[i].Metrics {
			c := SweepColumn{Stage: in.Stage, Metric: name}
			if _, ok := colIndex[c]; !ok {
				colIndex[c] = len(cols)
				cols = append(cols, c)
			}
		}
	}
	sort.Slice(cols, func(i, j int) bool {
		a, b := cols[i], cols[j]
		if a.Stage != b.Stage {
			return stageOrder[a.Stage] < stageOrder[b.Stage]
		}
		if ra, rb := keys.Rank(a.Metric), keys.Rank(b.Metric); ra != rb {
			return ra < rb
		}
		return a.Metric < b.Metric
	})
	cells := make([][]*float64, len(t.Rows))
	for r := range t.Rows {
		row := &t.Rows[r]
		cells[r] = make([]*float64, len(cols))
		for i, in := range swept {
			if !reaches(in, row.Point, axisIndex) {
				continue
			}
			row.Instances = append(row.Instances, PointInstance{Name: in.Name, Status: recs[i].Status})
			for c, col := range cols {
				if col.Stage != in.Stage {
					continue
				}
				if v, ok := recs[i].Metrics[col.Metric]; ok {
					v := v
					cells[r][c] = &v
				}
			}
		}
	}
	for c, col := range cols {
		if len(t.Rows) > 1 && constant(cells, c) {
			t.Constant = append(t.Constant, col)
			continue
		}
		t.Columns = append(t.Columns, col)
		for r := range t.Rows {
			t.Rows[r].Values = append(t.Rows[r].Values, cells[r][c])
		}
	}
	for r := range t.Rows {
		if t.Rows[r].Values == nil {
			t.Rows[r].Values = []*float64{}
		}
	}
	return t
}

// sweepRows lists the sweep points: those of instances every axis reaches,
// or, when no instance meets every axis, the product of the values seen.
func sweepRows(axes []string, axisIndex map[string]int, swept []Instance, values [][]string) []SweepRow {
	var rows []SweepRow
	seen := map[string]bool{}
	for _, in := range swept {
		if len(in.Point) != len(axes) {
			continue
		}
		point := make([]string, len(axes))
		for _, a := range in.Point {
			point[axisIndex[a.Key]] = a.Value
		}
		key := joinKey(point)
		if !seen[key] {
			seen[key] = true
			rows = append(rows, SweepRow{Point: point})
		}
	}
	if len(rows) > 0 {
		return rows
	}
	points := [][]string{{}}
	for ai := range axes {
		var next [][]string
		for _, p := range points {
			for _, v := range values[ai] {
				q := append(append([]string{}, p...), v)
				next = append(next, q)
			}
		}
		points = next
	}
	for _, p := range points {
		rows = append(rows, SweepRow{Point: p})
	}
	return rows
}

// reaches reports whether an instance belongs to a point: every value its
// name gives matches the point's.
func reaches(in Instance, point []string, axisIndex map[string]int) bool {
	for _, a := range in.Point {
		if point[axisIndex[a.Key]] != a.Value {
			return false
		}
	}
	return true
}

func constant(cells [][]*float64, c int) bool {
	first := cells[0][c]
	for _, row := range cells[1:] {
		v := row[c]
		if (first == nil) != (v == nil) || (v != nil && *v != *first) {
			return false
		}
	}
	return true
}

func joinKey(parts []string) string {
	k := ""
	for _, p := range parts {
		k += p + "\x00"
	}
	return k
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
