package pipeline

import (
	"fmt"
	"slices"

	"github.com/mlpipe/pipeline/stages"
)

// checkPlan checks what a kind says of its outputs: every role, role source
// and pass-through names one of its outputs, roles are known ones, and a
// role source is one of the stage's input ports. A failure is the kind's
// bug, reported as the stage's definition error so it is caught before
// anything runs.
func checkPlan(plan *stages.Plan, inputs []string) error {
	for port, r := range plan.Roles {
		if !slices.Contains(plan.Outputs, port) {
			return fmt.Errorf("the kind gives a role to `%s`, which is not one of its outputs %v", port, plan.Outputs)
		}
		if !slices.Contains(stages.Roles, r) {
			return fmt.Errorf("the kind gives output `%s` the role %q; the roles are %v", port, r, stages.Roles)
		}
	}
	for _, m := range []map[string]string{plan.PassThrough, plan.RoleFrom} {
		for port, in := range m {
			if !slices.Contains(plan.Outputs, port) {
				return fmt.Errorf("the kind passes input `%s` through as `%s`, which is not one of its outputs %v", in, port, plan.Outputs)
			}
			if !slices.Contains(inputs, in) {
				return fmt.Errorf("output `%s` takes what input `%s` holds, which is not wired", port, in)
			}
		}
	}
	return nil
}

// maxRoleHops bounds how many pass-throughs OutputRole follows upstream
// (a graph has no cycles; the bound keeps a malformed one from looping).
const maxRoleHops = 1 << 10

// OutputRole returns what an output port of the node holds: the role its
// plan declares, or, for a port that passes an input through or takes its
// role from one (a gate's data, the best of some candidates), the role of
// that input's producer.
func (n *Node) OutputRole(port string) stages.Role {
	for range maxRoleHops {
		if n.Plan == nil {
			return stages.RoleFile
		}
		in, ok := n.Plan.InputOfRole(port)
		if !ok {
			return n.Plan.RoleOf(port)
		}
		i := slices.IndexFunc(n.Inputs, func(x Input) bool { return x.Port == in })
		if i < 0 || n.Inputs[i].From == nil {
			return stages.RoleFile
		}
		n, port = n.Inputs[i].From, n.Inputs[i].FromPort
	}
	return stages.RoleFile
}
