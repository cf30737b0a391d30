package train

import (
	"testing"
	"time"
)

// TestThroughputLeavesOutFirstStep: the first step builds and compiles the
// graphs (seconds on XLA), so the reported rate covers the later steps, and
// the first step's time is reported on its own.
func TestThroughputLeavesOutFirstStep(t *testing.T) {
	l := &loop{tokens: 1100, busy: 11 * time.Second, first: 10 * time.Second, firstTokens: 100}
	tps, first := l.throughput()
	if tps != 1000 || first != 10 {
		t.Errorf("throughput() = %v tokens/s, first step %v s; want 1000 and 10", tps, first)
	}
	one := &loop{tokens: 100, busy: 2 * time.Second, first: 2 * time.Second, firstTokens: 100}
	if tps, first := one.throughput(); tps != 50 || first != 2 {
		t.Errorf("a single step: throughput() = %v, %v; want 50 and 2", tps, first)
	}
	if tps, _ := (&loop{}).throughput(); tps != 0 {
		t.Errorf("no step: throughput() = %v, want 0", tps)
	}
}
