package runtime

import "testing"

func TestDecide(t *testing.T) {
	ran, cached := Upstream{"a", StatusRan}, Upstream{"b", StatusCached}
	for name, tt := range map[string]struct {
		up   []Upstream
		run  RunState
		want Decision
		why  string
	}{
		"a source":               {nil, RunState{}, Start, ""},
		"upstream succeeded":     {[]Upstream{ran, cached}, RunState{}, Start, ""},
		"upstream running":       {[]Upstream{ran, {"c", ""}}, RunState{}, Wait, "upstream `c` has not ended"},
		"upstream failed":        {[]Upstream{ran, {"c", StatusFailed}}, RunState{}, Skip, "upstream `c` failed"},
		"failed beats running":   {[]Upstream{{"c", ""}, {"d", StatusFailed}}, RunState{}, Skip, "upstream `d` failed"},
		"upstream skipped":       {[]Upstream{{"c", StatusSkipped}}, RunState{KeepGoing: true}, Skip, "upstream `c` was skipped"},
		"stopped":                {[]Upstream{ran}, RunState{Stopped: true}, Skip, stoppedReason},
		"stopped, keep going":    {[]Upstream{ran}, RunState{Stopped: true, KeepGoing: true}, Start, ""},
		"stopped, still waiting": {[]Upstream{{"c", ""}}, RunState{Stopped: true}, Wait, "upstream `c` has not ended"},
		"interrupted":            {[]Upstream{ran}, RunState{Interrupted: true, KeepGoing: true}, Skip, "the run was interrupted"},
	} {
		d, why := Decide(tt.up, tt.run)
		if d != tt.want || why != tt.why {
			t.Errorf("%s: Decide = %v, %q; want %v, %q", name, d, why, tt.want, tt.why)
		}
	}
}
