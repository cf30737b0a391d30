package runtime

import (
	"fmt"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
)

// States a stage can be in before a run.
const (
	WouldRun   = "run"
	WouldBeHit = "cached"
)

// StageStatus says what a run would do with one stage instance, and why.
type StageStatus struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Key     string   `json:"key,omitempty"`
	State   string   `json:"state"`
	Reasons []string `json:"reasons,omitempty"`
}

// Status computes, without writing anything, which stages a run would
// execute and why. Keys of stages downstream of one that would run are not
// known yet (its output may or may not change); they are reported as such.
func Status(g *pipeline.Graph, ws *Workspace) ([]StageStatus, error) {
	outs := map[*pipeline.Node]map[string]artifacts.Output{}
	book := newSecretBook(g, ws, true)
	var list []StageStatus
	for _, n := range g.Nodes {
		st := StageStatus{Name: n.Name, Kind: n.Kind.Name()}
		secrets, err := book.digests(n)
		if err != nil {
			// Without the secret the key is unknown, and so is what follows.
			st.State = WouldRun
			st.Reasons = []string{err.Error()}
			list = append(list, st)
			continue
		}
		var pending []string
		inDigests := map[string]string{}
		for _, in := range n.Inputs {
			o, ok := outs[in.From][in.FromPort]
			if !ok {
				pending = append(pending, in.From.Name)
				continue
			}
			inDigests[in.Slot()] = o.Digest
		}
		deps, sources, _, err := hashFiles(ws.Stats, g.Def.Dir, n)
		if err != nil {
			return nil, fmt.Errorf("stage %s: %w", n.Name, err)
		}
		last, lastRun, _ := ws.LastStageRecord(g.Def.File(), n.Name)
		if len(pending) > 0 {
			st.State = WouldRun
			for _, u := range uniq(pending) {
				st.Reasons = append(st.Reasons, fmt.Sprintf("upstream `%s` will run; this stage re-runs only if its output changes", u))
			}
			if last != nil {
				cur := keyInputs(n, secrets, last.KeyInputs.Inputs, deps, sources)
				st.Reasons = append(st.Reasons, diffKeyInputs(last.KeyInputs, cur)...)
			}
			list = append(list, st)
			continue
		}
		ki := keyInputs(n, secrets, inDigests, deps, sources)
		st.Key = stageKey(ki)
		rec, err := ws.Store.LoadAction(st.Key)
		if err != nil {
			return nil, err
		}
		if rec != nil && ws.Store.Complete(rec) {
			st.State = WouldBeHit
			outs[n] = rec.Outputs
			list = append(list, st)
			continue
		}
		st.State = WouldRun
		switch {
		case rec != nil:
			st.Reasons = append(st.Reasons, "its cached outputs are missing or truncated in the store")
		case last == nil:
			st.Reasons = append(st.Reasons, "it has never run in this workspace")
		default:
			d := diffKeyInputs(last.KeyInputs, ki)
			if len(d) == 0 {
				d = []string{fmt.Sprintf("its key is unchanged since run %s but the cache no longer holds it", lastRun)}
			}
			st.Reasons = append(st.Reasons, d...)
		}
		list = append(list, st)
	}
	return list, nil
}

func uniq(l []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range l {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Explain says which part of a stage's key changed since it last ran. stage
// is an instance name, or a stage name covering all its sweep instances.
func Explain(g *pipeline.Graph, ws *Workspace, stage string) ([]StageStatus, error) {
	all, err := Status(g, ws)
	if err != nil {
		return nil, err
	}
	var out []StageStatus
	for i, s := range all {
		n := g.Nodes[i]
		if n.Name == stage || n.Stage == stage {
			if s.State == WouldBeHit {
				last, _, _ := ws.LastStageRecord(g.Def.File(), n.Name)
				if last != nil && last.Key != s.Key {
					s.Reasons = append([]string{"cached under a key seen earlier; since the last run:"}, diffKeyInputs(last.KeyInputs, mustKI(g, ws, n, all))...)
				} else {
					s.Reasons = []string{"nothing changed since the last run"}
				}
			}
			out = append(out, s)
		}
	}
	if out == nil {
		names := make([]string, len(g.Nodes))
		for i, n := range g.Nodes {
			names[i] = n.Name
		}
		return nil, fmt.Errorf("no stage `%s` in %s", stage, g.Def.Path)
	}
	return out, nil
}

// mustKI recomputes the pre-image of a node whose upstreams are all known hits.
func mustKI(g *pipeline.Graph, ws *Workspace, n *pipeline.Node, all []StageStatus) *artifacts.KeyInputs {
	inDigests := map[string]string{}
	for _, in := range n.Inputs {
		for i, m := range g.Nodes {
			if m == in.From && all[i].Key != "" {
				if rec, _ := ws.Store.LoadAction(all[i].Key); rec != nil {
					inDigests[in.Slot()] = rec.Outputs[in.FromPort].Digest
				}
			}
		}
	}
	deps, sources, _, _ := hashFiles(ws.Stats, g.Def.Dir, n)
	secrets, _ := newSecretBook(g, ws, true).digests(n)
	return keyInputs(n, secrets, inDigests, deps, sources)
}

// CurrentOutputs returns the outputs a stage instance holds for the graph as
// compiled (its definition, parameters and overrides): those of the cache
// record under its current key. When the stage would run instead, it
// returns nil and the stage's status, whose reasons say why.
func CurrentOutputs(g *pipeline.Graph, ws *Workspace, name string) (map[string]artifacts.Output, *StageStatus, error) {
	all, err := Status(g, ws)
	if err != nil {
		return nil, nil, err
	}
	for i, n := range g.Nodes {
		if n.Name != name {
			continue
		}
		st := all[i]
		if st.State != WouldBeHit {
			return nil, &st, nil
		}
		rec, err := ws.Store.LoadAction(st.Key)
		if err != nil || rec == nil {
			return nil, &st, err
		}
		return rec.Outputs, &st, nil
	}
	return nil, nil, fmt.Errorf("no stage instance %s", name)
}
