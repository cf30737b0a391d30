package train

import (
	"crypto/sha256"

	"github.com/mlpipe/pipeline/stages"
)

// Plan implements stages.Kind: it checks every parameter, the backend and the
// dtype, and asks to run alone (training uses every CPU).
func (Kind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	o, err := parseOptions(req.Params, req.Inputs, req.WorkDir)
	if err != nil {
		return nil, err
	}
	plan := &stages.Plan{Outputs: []string{PortModel, PortHistory}, Exclusive: true, Timing: []string{PortHistory},
		Roles:      map[string]stages.Role{PortModel: stages.RoleModel, PortHistory: stages.RoleHistory},
		Headline:   []string{"train_loss", "val_loss", "tokens_per_second"},
		KeyMetrics: []string{"val_loss"}}
	if o.From != "" {
		plan.Sources = []string{o.From}
	}
	return plan, nil
}

func digest(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:16]
}
