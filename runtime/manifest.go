package runtime

import (
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
		m.Stages = append(m.Stages, sr.Record)
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
