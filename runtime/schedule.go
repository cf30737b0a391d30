package runtime

import "fmt"

// Decision is what the scheduling rule says of a stage that has not started.
type Decision int

const (
	// Wait: a stage upstream of it has not ended.
	Wait Decision = iota
	// Start: every stage upstream of it succeeded and the run goes on.
	Start
	// Skip: it will not run (Decide says why).
	Skip
)

// Upstream is one stage upstream of another as the scheduling rule sees it.
type Upstream struct {
	Name string
	// Status is the stage's status once it ended (ran, cached, failed,
	// skipped), "" before.
	Status string
}

// RunState is what the scheduling rule needs to know of the run.
type RunState struct {
	// Stopped is set once a stage failed; KeepGoing is --keep-going.
	Stopped, KeepGoing bool
	// Interrupted is set once the run was cancelled.
	Interrupted bool
}

// stoppedReason is why a stage whose inputs were ready did not start.
const stoppedReason = "the run stopped at a failure before it started (--keep-going runs it)"

// Decide is the one scheduling rule of local and distributed runs. A stage
// is skipped when a stage upstream of it failed or was skipped (the reason
// names the first such stage), waits while one has not ended, and
// otherwise starts, unless the run was interrupted or stopped at a failure
// without --keep-going, when it is skipped too. why is set for Skip and
// Wait.
func Decide(upstream []Upstream, run RunState) (d Decision, why string) {
	for _, u := range upstream {
		switch u.Status {
		case StatusFailed:
			return Skip, fmt.Sprintf("upstream `%s` failed", u.Name)
		case StatusSkipped:
			return Skip, fmt.Sprintf("upstream `%s` was skipped", u.Name)
		}
	}
	for _, u := range upstream {
		if u.Status == "" {
			return Wait, fmt.Sprintf("upstream `%s` has not ended", u.Name)
		}
	}
	switch {
	case run.Interrupted:
		return Skip, "the run was interrupted"
	case run.Stopped && !run.KeepGoing:
		return Skip, stoppedReason
	}
	return Start, ""
}
