package pipeline

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mlpipe/pipeline/stages"
)

// Graph is a compiled definition: stage instances (one per stage, or one per
// distinct sweep point that reaches the stage) wired into a DAG.
type Graph struct {
	// Def is the definition compiled.
	Def *Definition
	// Params are the resolved parameters (defaults with overrides applied).
	Params map[string]any
	// Overrides are the --set values given (a secret-looking one holding
	// its placeholder).
	Overrides []Override
	// Secrets are the secrets the stages use, by name.
	Secrets map[string]*Secret
	// Warnings are what compiling noticed without refusing it (literal
	// secrets, with the reference form to use instead).
	Warnings []string
	// Nodes lists the instances in a stable topological order.
	Nodes []*Node

	byName map[string]*Node
	// up and down hold each node's neighbours, sorted by name.
	up, down map[*Node][]*Node
}

// Node is one stage instance ready to run.
type Node struct {
	// Name is the instance name: the stage name, with `@k=v,...` for sweep points.
	Name string
	// Stage is the stage's name in the definition.
	Stage string
	// Kind is the stage kind.
	Kind stages.Kind
	// Params is the resolved, validated `with:` with defaults applied.
	Params map[string]any
	// Seed is the stage's seed.
	Seed int64
	// Inputs are sorted by port.
	Inputs []Input
	// Deps are the dep files as written (relative to the definition's
	// directory) and DepPaths their absolute paths.
	Deps     []string
	DepPaths []string
	// Plan is what the kind said it will produce.
	Plan *stages.Plan
	// Point holds the sweep values that reach this instance.
	Point map[string]any
	// Resources is what the stage needs from the machine that runs it.
	Resources Resources
	// Sandbox is the stage's `sandbox:` value ("" for the default).
	Sandbox string
	// Secrets names, sorted, the secrets whose placeholders Params holds.
	Secrets []string

	broken bool
}

// Input wires one input port to an upstream output.
type Input struct {
	Port     string
	From     *Node
	FromPort string
	// Member names the upstream instance within a fan-in port (`lr=0.003`,
	// the instance's sweep point), "" for a plain input.
	Member string
}

// Slot is the input's name in keys and records: the port, or PORT/MEMBER
// for one instance of a fan-in.
func (in Input) Slot() string {
	if in.Member == "" {
		return in.Port
	}
	return in.Port + "/" + in.Member
}

// Node returns the instance named name.
func (g *Graph) Node(name string) (*Node, bool) {
	n, ok := g.byName[name]
	return n, ok
}

// Upstream returns the instances n reads from, sorted by name.
func (g *Graph) Upstream(n *Node) []*Node { return g.up[n] }

// Downstream returns the instances that read from n, sorted by name.
func (g *Graph) Downstream(n *Node) []*Node { return g.down[n] }

// Compile resolves params and overrides, expands the sweep, validates every
// stage against its kind, and builds the DAG. Every problem it finds is a
// definition error.
func Compile(def *Definition, sets []Override) (*Graph, error) {
	// A --set on a swept parameter fixes it: its axis is dropped.
	var setKeys []string
	for _, o := range sets {
		setKeys = append(setKeys, o.Key)
	}
	sweep := withoutKeys(def.Sweep, setKeys)
	params, err := applyOverrides(def.Path, def.Params, sets)
	if err != nil {
		return nil, err
	}
	e := &errs{file: def.Path}
	secrets := newSecretTable()
	params = secrets.hide(e, def.paramsNode(), true, "params", "", "", params).(map[string]any)
	sets = hideOverrides(sets, params)
	checkStageRefs(e, def)
	if err := e.err(); err != nil {
		return nil, err
	}
	order, err := stageOrder(def)
	if err != nil {
		return nil, err
	}
	points := sweepPoints(sweep)
	g := &Graph{Def: def, Params: params, Overrides: sets, byName: map[string]*Node{}}
	// instances[i][stage] is the instance of stage for point i.
	instances := make([]map[string]*Node, len(points))
	for i := range instances {
		instances[i] = map[string]*Node{}
	}
	relevant := map[string][]string{}
	seenErr := map[string]bool{}
	for _, name := range order {
		sd := def.Stages[name]
		kind, _ := stages.Lookup(sd.Kind)
		first := len(g.Nodes)
		for pi, point := range points {
			pparams := params
			for _, ax := range sweep {
				pparams = setPath(pparams, ax.Key, point[ax.Key])
			}
			pe := &errs{file: def.Path}
			in := &interpolator{params: pparams, e: pe, refs: map[string]bool{}, secrets: secrets}
			with := map[string]any{}
			if sd.With != nil {
				with = in.resolve(sd.With).(map[string]any)
			}
			var deps []string
			for di, d := range sd.Deps {
				if s, ok := in.resolveString(sd.depNodes[di], d).(string); ok {
					deps = append(deps, s)
				} else {
					pe.at(sd.depNodes[di], "dep %q must resolve to a path", d)
				}
			}
			if pi == 0 {
				relevant[name] = relevantKeys(sweep, sd, in.refs, with, relevant)
			}
			instName := name
			pointVals := map[string]any{}
			if rk := relevant[name]; len(rk) > 0 {
				parts := make([]string, len(rk))
				for i, k := range rk {
					v, _ := lookupPath(pparams, k)
					pointVals[k] = v
					parts[i] = k + "=" + formatValue(v)
				}
				instName = name + "@" + strings.Join(parts, ",")
			}
			if existing, ok := g.byName[instName]; ok {
				instances[pi][name] = existing
				continue
			}
			node := &Node{Name: instName, Stage: name, Kind: kind, Point: pointVals, Resources: sd.Resources, Sandbox: sd.Sandbox}
			node.Params = validateParams(pe, name, kind.Schema().Params, with, sd.With, orNode(sd.With, sd.node), "", kind.Schema().OpenParams)
			node.Params = secrets.hide(pe, orNode(sd.With, sd.node), false, "stage `"+name+"` with", "", "", node.Params).(map[string]any)
			node.Secrets = secrets.secretsIn(node.Params)
			node.Seed = seedOf(node.Params, pparams)
			wireInputs(pe, sd, kind, node, instances[pi], g.Nodes)
			for _, d := range deps {
				at := sd.depNodes[indexOf(sd.Deps, d)]
				abs := d
				if !filepath.IsAbs(abs) {
					abs = filepath.Join(def.Dir, d)
				}
				if isGlob(d) {
					matches, err := filepath.Glob(abs)
					if err != nil || len(matches) == 0 {
						pe.at(at, "dep `%s` of stage `%s` matches no file", d, name)
						continue
					}
					for _, m := range matches {
						rel, err := filepath.Rel(def.Dir, m)
						if err != nil || filepath.IsAbs(d) {
							rel = m
						}
						node.Deps = append(node.Deps, filepath.ToSlash(rel))
						node.DepPaths = append(node.DepPaths, m)
					}
					continue
				}
				if _, err := os.Stat(abs); err != nil {
					pe.at(at, "dep `%s` of stage `%s` does not exist", d, name)
					continue
				}
				node.Deps = append(node.Deps, d)
				node.DepPaths = append(node.DepPaths, abs)
			}
			if len(pe.list) == 0 {
				// The declared ports, so a stage is checked even when an
				// upstream stage is broken.
				inputs := sortedKeys(sd.Inputs)
				plan, err := kind.Plan(stages.PlanRequest{Stage: instName, Params: node.Params, Inputs: inputs, WorkDir: def.Dir})
				if err == nil {
					err = checkPlan(plan, inputs)
				}
				if err != nil {
					pe.at(orNode(sd.With, sd.node), "stage `%s`: %v", instName, err)
				} else {
					node.Plan = withKeyMetrics(plan, sd.KeyMetrics)
				}
			}
			for _, x := range pe.list {
				if !seenErr[x.Error()] {
					seenErr[x.Error()] = true
					e.list = append(e.list, x)
				}
			}
			if len(pe.list) > 0 || node.broken {
				// Keep compiling other stages to report more errors at once;
				// stages reading from a broken one report nothing about it.
				node.Plan = &stages.Plan{}
				node.broken = true
			}
			g.byName[instName] = node
			instances[pi][name] = node
			g.Nodes = append(g.Nodes, node)
		}
		// Instances of one stage are listed by name, for stable output.
		inst := g.Nodes[first:]
		sort.Slice(inst, func(i, j int) bool { return inst[i].Name < inst[j].Name })
	}
	if err := e.err(); err != nil {
		return nil, err
	}
	if err := g.buildDAG(); err != nil {
		return nil, err
	}
	g.Secrets, g.Warnings = secrets.byName, secrets.warnings
	return g, nil
}

func indexOf(l []string, s string) int {
	for i, x := range l {
		if x == s {
			return i
		}
	}
	return 0
}

// seedOf picks a stage's seed: `with.seed`, else `params.seed`, else 0.
func seedOf(with, params map[string]any) int64 {
	for _, m := range []map[string]any{with, params} {
		switch v := m["seed"].(type) {
		case int64:
			return v
		case float64:
			return int64(v)
		}
	}
	return 0
}

// relevantKeys returns the sweep keys that reach a stage: referenced by its
// own values, or reaching any stage it reads from.
func relevantKeys(sweep []SweepAxis, sd *StageDef, refs map[string]bool, with map[string]any, upstream map[string][]string) []string {
	set := map[string]bool{}
	for _, ax := range sweep {
		for r := range refs {
			if r == ax.Key || strings.HasPrefix(ax.Key, r+".") || strings.HasPrefix(r, ax.Key+".") {
				set[ax.Key] = true
			}
		}
		if _, own := with["seed"]; !own && (ax.Key == "seed") {
			set[ax.Key] = true
		}
	}
	for _, ref := range sd.Inputs {
		if ref.All {
			continue // a fan-in takes every point of its upstream
		}
		for _, k := range upstream[ref.Stage] {
			set[k] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkStageRefs reports unknown kinds and references to unknown stages.
func checkStageRefs(e *errs, def *Definition) {
	for _, name := range def.Order {
		sd := def.Stages[name]
		if sd.Kind != "" {
			if _, ok := stages.Lookup(sd.Kind); !ok {
				e.at(sd.node.get("kind"), "stage `%s` has unknown kind `%s`%s (known kinds: %s)", name, sd.Kind, didYouMean(sd.Kind, stages.Names()), strings.Join(stages.Names(), ", "))
			}
		}
		for _, port := range sortedKeys(sd.Inputs) {
			ref := sd.Inputs[port]
			if _, ok := def.Stages[ref.Stage]; !ok {
				e.at(ref.node, "input `%s` of stage `%s` refers to unknown stage `%s`%s", port, name, ref.Stage, didYouMean(ref.Stage, def.Order))
			} else if ref.Stage == name {
				e.at(ref.node, "stage `%s` reads its own output", name)
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// stageOrder orders stage definitions so each comes after the stages it
// reads from, ties broken by file order; a cycle is an error naming it.
func stageOrder(def *Definition) ([]string, error) {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var order []string
	var stack []string
	var visit func(string) error
	visit = func(name string) error {
		switch color[name] {
		case black:
			return nil
		case grey:
			i := indexOf(stack, name)
			cycle := append(append([]string{}, stack[i:]...), name)
			sd := def.Stages[name]
			return &Error{File: def.Path, Line: sd.node.Line, Col: sd.node.Col, Msg: "cycle between stages: " + strings.Join(cycle, " → ")}
		}
		color[name] = grey
		stack = append(stack, name)
		sd := def.Stages[name]
		for _, port := range sortedKeys(sd.Inputs) {
			if err := visit(sd.Inputs[port].Stage); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		color[name] = black
		order = append(order, name)
		return nil
	}
	for _, name := range def.Order {
		if err := visit(name); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// wireInputs connects a node's input ports to upstream instances, checking
// port names against both kinds.
func wireInputs(e *errs, sd *StageDef, kind stages.Kind, node *Node, upstream map[string]*Node, built []*Node) {
	schema := kind.Schema()
	for _, port := range sortedKeys(sd.Inputs) {
		ref := sd.Inputs[port]
		if schema.Inputs != nil && !contains(schema.Inputs, port) {
			e.at(sd.node.get("inputs").keyNode(port), "stage `%s` (kind %s) has no input port `%s`%s; it accepts: %s", sd.Name, kind.Name(), port, didYouMean(port, schema.Inputs), strings.Join(schema.Inputs, ", "))
			continue
		}
		from := upstream[ref.Stage]
		if from == nil || from.Plan == nil || from.broken {
			node.broken = true // reported at the upstream stage
			continue
		}
		outs := from.Plan.Outputs
		fromPort := ref.Port
		if fromPort == "" && from.Plan.DefaultOutput != "" {
			fromPort = from.Plan.DefaultOutput
		}
		if fromPort == "" {
			if len(outs) != 1 {
				e.at(ref.node, "input `%s` of stage `%s`: stage `%s` has %d outputs (%s); name one as `%s.PORT`", port, sd.Name, ref.Stage, len(outs), strings.Join(outs, ", "), ref.Stage)
				continue
			}
			fromPort = outs[0]
		} else if !contains(outs, fromPort) {
			e.at(ref.node, "input `%s` of stage `%s`: stage `%s` has no output `%s`%s (outputs: %s)", port, sd.Name, ref.Stage, fromPort, didYouMean(fromPort, outs), strings.Join(outs, ", "))
			continue
		}
		if !ref.All {
			node.Inputs = append(node.Inputs, Input{Port: port, From: from, FromPort: fromPort})
			continue
		}
		for _, m := range fanInMembers(built, ref.Stage, node.Point) {
			node.Inputs = append(node.Inputs, Input{Port: port, From: m, FromPort: fromPort, Member: memberName(m)})
		}
	}
	for _, req := range schema.RequiredInputs {
		if _, ok := sd.Inputs[req]; !ok {
			e.at(sd.node, "stage `%s` (kind %s) needs input `%s`", sd.Name, kind.Name(), req)
		}
	}
}

// buildDAG records each node's neighbours, sorted by name. Nodes are already
// in topological order: stages were compiled in dependency order and cycles
// rejected before (stageOrder), so instances, which only read instances of
// earlier stages, have none.
func (g *Graph) buildDAG() error {
	g.up, g.down = map[*Node][]*Node{}, map[*Node][]*Node{}
	for _, n := range g.Nodes {
		seen := map[*Node]bool{}
		for _, in := range n.Inputs {
			if seen[in.From] {
				continue
			}
			seen[in.From] = true
			g.up[n] = append(g.up[n], in.From)
			g.down[in.From] = append(g.down[in.From], n)
		}
	}
	byName := func(l []*Node) {
		sort.Slice(l, func(i, j int) bool { return l[i].Name < l[j].Name })
	}
	for _, l := range g.up {
		byName(l)
	}
	for _, l := range g.down {
		byName(l)
	}
	return nil
}

// isGlob reports whether a dep is a pattern (`data/*.csv`) rather than a path.
func isGlob(p string) bool { return strings.ContainsAny(p, "*?[") }

// fanInMembers lists the instances of stage a fan-in takes: every one whose
// sweep point agrees with the reader's on the keys both have, by name.
func fanInMembers(built []*Node, stage string, point map[string]any) []*Node {
	var out []*Node
	for _, n := range built {
		if n.Stage != stage {
			continue
		}
		agrees := true
		for k, v := range point {
			if w, ok := n.Point[k]; ok && formatValue(w) != formatValue(v) {
				agrees = false
			}
		}
		if agrees {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// memberName names an instance within a fan-in: its sweep point
// (`lr=0.003,wd=0`), or its stage's name when it is not swept; `/` becomes
// `_` so that the name is one path element.
func memberName(n *Node) string {
	name := n.Stage
	if _, point, ok := strings.Cut(n.Name, "@"); ok {
		name = point
	}
	return strings.ReplaceAll(name, "/", "_")
}
