package runtime

import (
	"slices"
	"sort"
	"time"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
)

// buildManifest assembles the provenance record of a finished run.
func buildManifest(g *pipeline.Graph, ws *Workspace, res *RunResult, started time.Time, command []string) *artifacts.Manifest {
	m := &artifacts.Manifest{
		SchemaVersion: artifacts.ManifestSchemaVersion,
		RunID:         res.RunID,
		StartedAt:     started,
		FinishedAt:    time.Now().UTC(),
		Status:        res.Status,
		Command:       redactCommand(command),
		Definition:    artifacts.DefinitionRef{Path: g.Def.Path, Dir: g.Def.Dir, Name: g.Def.Name, Digest: g.Def.Digest},
		Params:        g.Params,
		Overrides:     map[string]any{},
		Engine:        EngineInfo(),
		Environment:   EnvironmentInfo(),
		Sources:       []artifacts.Source{},
		Stages:        []artifacts.StageRecord{},
	}
	if m.Params == nil {
		m.Params = map[string]any{}
	}
	for _, o := range g.Overrides {
		m.Overrides[o.Key] = o.Value
	}
	seen := map[string]bool{}
	for _, sr := range res.Stages {
		m.Stages = append(m.Stages, describedRecord(sr))
		for _, s := range sr.Record.Sources {
			if !seen[s.Path] {
				seen[s.Path] = true
				m.Sources = append(m.Sources, s)
			}
		}
	}
	sort.Slice(m.Sources, func(i, j int) bool { return m.Sources[i].Path < m.Sources[j].Path })
	return m
}

// describedRecord is a stage's record with what its kind declares of it:
// the role of each port (an input's is its producer's), its headline and
// its key metrics.
func describedRecord(sr *StageResult) artifacts.StageRecord {
	rec := sr.Record
	n := sr.Node
	if n == nil || n.Plan == nil {
		return rec
	}
	rec.Outputs = slices.Clone(rec.Outputs)
	for i := range rec.Outputs {
		rec.Outputs[i].Role = string(n.OutputRole(rec.Outputs[i].Port))
	}
	rec.Inputs = slices.Clone(rec.Inputs)
	for i := range rec.Inputs {
		if j := slices.IndexFunc(n.Inputs, func(in pipeline.Input) bool { return in.Slot() == rec.Inputs[i].Port }); j >= 0 {
			in := n.Inputs[j]
			rec.Inputs[i].Role = string(in.From.OutputRole(in.FromPort))
		}
	}
	rec.Headline = n.Plan.Headline
	rec.KeyMetrics = n.Plan.KeyMetrics
	return rec
}
