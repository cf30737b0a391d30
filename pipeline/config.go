package pipeline

import (
	"github.com/goccy/go-yaml"
)

// ResolvedYAML renders the compiled definition as YAML: params with
// overrides merged, sweep expanded into instances, every `with:` resolved
// and completed with defaults.
func (g *Graph) ResolvedYAML() ([]byte, error) {
	stagesOut := yaml.MapSlice{}
	for _, n := range g.Nodes {
		st := yaml.MapSlice{{Key: "kind", Value: n.Kind.Name()}}
		if len(n.Inputs) > 0 {
			ins := yaml.MapSlice{}
			for _, in := range n.Inputs {
				ins = append(ins, yaml.MapItem{Key: in.Port, Value: in.From.Name + "." + in.FromPort})
			}
			st = append(st, yaml.MapItem{Key: "inputs", Value: ins})
		}
		if len(n.Deps) > 0 {
			st = append(st, yaml.MapItem{Key: "deps", Value: n.Deps})
		}
		if n.Resources.GPU > 0 {
			st = append(st, yaml.MapItem{Key: "resources", Value: yaml.MapSlice{{Key: "gpu", Value: n.Resources.GPU}}})
		}
		st = append(st, yaml.MapItem{Key: "with", Value: sortedMapSlice(n.Params)})
		st = append(st, yaml.MapItem{Key: "seed", Value: n.Seed})
		if n.Plan != nil {
			st = append(st, yaml.MapItem{Key: "outputs", Value: n.Plan.Outputs})
		}
		stagesOut = append(stagesOut, yaml.MapItem{Key: n.Name, Value: st})
	}
	doc := yaml.MapSlice{
		{Key: "version", Value: g.Def.Version},
		{Key: "name", Value: g.Def.Name},
		{Key: "params", Value: sortedMapSlice(g.Params)},
		{Key: "stages", Value: stagesOut},
	}
	return yaml.Marshal(doc)
}

// sortedMapSlice converts nested maps to key-sorted MapSlices for stable output.
func sortedMapSlice(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := yaml.MapSlice{}
		for _, k := range sortedKeys(x) {
			out = append(out, yaml.MapItem{Key: k, Value: sortedMapSlice(x[k])})
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = sortedMapSlice(e)
		}
		return out
	}
	return v
}
