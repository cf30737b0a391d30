package pipeline

import (
	"fmt"
	"slices"
)

// Resources is what a stage needs from the machine that runs it, from its
// `resources:` block. It never enters the stage's key: where a stage runs
// does not change what it computes (a kind's own parameters, such as train's
// `backend`, do). Distributed executors route on it: a stage asking for a GPU
// goes to the workers serving GPU machines.
type Resources struct {
	// GPU is the number of accelerators the stage uses (0: none).
	GPU int `json:"gpu,omitempty"`
}

// resourceKeys are the keys a `resources:` block may hold.
var resourceKeys = []string{"gpu"}

// parseResources reads a stage's `resources:` block.
func parseResources(e *errs, stage string, n *node) Resources {
	var r Resources
	if n == nil || (n.Kind == scalarNode && n.Value == nil) {
		return r
	}
	if n.Kind != mapNode {
		e.at(n, "`resources` of stage `%s` must be a map such as `{gpu: 1}`", stage)
		return r
	}
	checkKeys(e, n, resourceKeys, fmt.Sprintf(" in `resources` of stage `%s`", stage))
	if g := n.get("gpu"); g != nil {
		v, ok := g.Value.(int64)
		if !ok || g.Kind != scalarNode || v < 0 || v > 64 {
			e.at(g, "`resources.gpu` of stage `%s` must be a whole number from 0 to 64", stage)
		} else {
			r.GPU = int(v)
		}
	}
	return r
}

// sandboxModes are the values a stage's `sandbox:` may take.
var sandboxModes = []string{"readonly", "hermetic", "none"}

// parseSandbox reads a stage's `sandbox:` value: how a command-running kind
// confines the command. Like resources, it never enters the stage's key.
func parseSandbox(e *errs, stage string, n *node) string {
	if n == nil || (n.Kind == scalarNode && n.Value == nil) {
		return ""
	}
	v, ok := n.Value.(string)
	if n.Kind == scalarNode && ok && slices.Contains(sandboxModes, v) {
		return v
	}
	e.at(n, "`sandbox` of stage `%s` must be one of readonly (the default), hermetic or none", stage)
	return ""
}
