package runtime

import "sync"

// gate limits concurrent stages to a number of slots; an exclusive stage
// takes them all.
type gate struct {
	mu    sync.Mutex
	cond  *sync.Cond
	free  int
	total int
}

func newGate(n int) *gate {
	if n < 1 {
		n = 1
	}
	g := &gate{free: n, total: n}
	g.cond = sync.NewCond(&g.mu)
	return g
}

// acquire waits for one slot, or for every slot when exclusive.
func (g *gate) acquire(exclusive bool) {
	need := 1
	if exclusive {
		need = g.total
	}
	g.mu.Lock()
	for g.free < need {
		g.cond.Wait()
	}
	g.free -= need
	g.mu.Unlock()
}

// release returns what acquire took.
func (g *gate) release(exclusive bool) {
	need := 1
	if exclusive {
		need = g.total
	}
	g.mu.Lock()
	g.free += need
	g.mu.Unlock()
	g.cond.Broadcast()
}
