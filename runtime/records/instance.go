package records

import "strings"

// Instance is a stage instance name split into the definition's stage and
// the sweep point that reached it: `lm@train.lr=0.001,seed=3` is stage `lm`
// at point train.lr=0.001, seed=3. A stage no sweep reaches has no point.
type Instance struct {
	// Name is the whole instance name.
	Name string
	// Stage is the stage's name in the definition.
	Stage string
	// Point holds the swept values, in the order the name gives them.
	Point []Assignment
}

// Assignment is one swept parameter and the value it took, as the instance
// name writes it.
type Assignment struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ParseInstance splits an instance name. A comma inside a value (a swept
// string or list) stays with that value: a piece without `=` continues the
// value before it.
func ParseInstance(name string) Instance {
	stage, point, ok := strings.Cut(name, "@")
	in := Instance{Name: name, Stage: stage}
	if !ok || point == "" {
		return in
	}
	for _, piece := range strings.Split(point, ",") {
		k, v, hasEq := strings.Cut(piece, "=")
		if !hasEq && len(in.Point) > 0 {
			in.Point[len(in.Point)-1].Value += "," + piece
			continue
		}
		in.Point = append(in.Point, Assignment{Key: k, Value: v})
	}
	return in
}

// Value returns the value the instance's point gives key, and whether it gives one.
func (in Instance) Value(key string) (string, bool) {
	for _, a := range in.Point {
		if a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}
