package all

import (
	"slices"
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/stages"
)

// The key metrics the hand-written fixture manifests of the records, report
// and export tests carry are those the kinds declare.
func TestFixtureKeyMetricsAreTheKinds(t *testing.T) {
	for kind, c := range map[string]struct {
		params map[string]any
		inputs []string
	}{
		"eval":     {map[string]any{}, []string{"model", "data"}},
		"baseline": {map[string]any{"method": "kneser_ney"}, []string{"train", "test"}},
		"predict":  {map[string]any{}, []string{"model", "data"}},
		"train":    {map[string]any{}, []string{"train", "val"}},
	} {
		k, ok := stages.Lookup(kind)
		if !ok {
			t.Fatalf("kind %s is not registered", kind)
		}
		params, err := stages.Complete(k.Schema(), c.params)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		plan, err := k.Plan(stages.PlanRequest{Stage: "s", Params: params, Inputs: c.inputs, WorkDir: t.TempDir()})
		if err != nil {
			t.Fatalf("%s: planning: %v", kind, err)
		}
		if want := testutil.KeyMetricsOf(kind); !slices.Equal(plan.KeyMetrics, want) {
			t.Errorf("%s declares key metrics %v; the fixtures say %v", kind, plan.KeyMetrics, want)
		}
	}
}
