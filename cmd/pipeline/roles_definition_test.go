package main

import (
	"path/filepath"
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/internal/testutil/graphtest"
)

// Every output of every stage in the shipped definitions has a role its
// kind declares (or takes from an input), so reports, records and the
// engine's table facts never fall back to guessing from names or bytes.
func TestShippedDefinitionsDeclareRoles(t *testing.T) {
	files, err := filepath.Glob("../../definitions/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no definitions: %v", err)
	}
	// The overrides that let every definition plan here: the go backend,
	// and a committed tiny BERT (64 positions) for the pretrained model.
	sets := map[string][]string{"gpu-lm.yaml": {"backend=go"}, "pretrained.yaml": {"model_dir=" + testutil.Fixture(t, "hf/tiny-bert"), "seq_len=64"}}
	for _, f := range files {
		g, err := graphtest.Compile(f, sets[filepath.Base(f)]...)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for _, n := range g.Nodes {
			for _, port := range n.Plan.Outputs {
				if _, inherited := n.Plan.InputOfRole(port); inherited {
					continue
				}
				if _, ok := n.Plan.Roles[port]; !ok {
					t.Errorf("%s: stage %s (%s) declares no role for output `%s`", filepath.Base(f), n.Name, n.Kind.Name(), port)
				}
			}
		}
	}
}
