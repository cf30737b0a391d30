package pipeline

import (
	"fmt"
	"sort"
)

// Select returns the part of the graph a run of targets needs: each target
// (an instance name such as `lm@lr=0.003`, or a stage name standing for all
// its instances) and everything upstream of it, in the same order. Nothing
// downstream runs. An unknown target is an error naming the nearest name.
func (g *Graph) Select(targets []string) (*Graph, error) {
	keep := map[*Node]bool{}
	var visit func(n *Node)
	visit = func(n *Node) {
		if keep[n] {
			return
		}
		keep[n] = true
		for _, u := range g.up[n] {
			visit(u)
		}
	}
	for _, t := range targets {
		found := false
		for _, n := range g.Nodes {
			if n.Name == t || n.Stage == t {
				visit(n)
				found = true
			}
		}
		if !found {
			return nil, &Error{File: g.Def.Path, Msg: unknownTarget(g, t)}
		}
	}
	sub := &Graph{Def: g.Def, Params: g.Params, Overrides: g.Overrides, Secrets: g.Secrets, Warnings: g.Warnings, byName: map[string]*Node{}}
	for _, n := range g.Nodes {
		if keep[n] {
			sub.Nodes = append(sub.Nodes, n)
			sub.byName[n.Name] = n
		}
	}
	if err := sub.buildDAG(); err != nil {
		return nil, err
	}
	return sub, nil
}

// unknownTarget explains a target that names no stage.
func unknownTarget(g *Graph, t string) string {
	seen := map[string]bool{}
	var names []string
	for _, n := range g.Nodes {
		for _, name := range []string{n.Stage, n.Name} {
			if !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
	}
	sort.Strings(names)
	return fmt.Sprintf("no stage `%s` to run", t) + didYouMean(t, names)
}
