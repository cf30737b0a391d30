package progress

import (
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func TestMeterRateAndETA(t *testing.T) {
	clk := newFakeClock()
	m := newMeter(clk.now())
	m.start(1000, "rows")
	r := m.read(clk.now())
	if r.Rate != 0 || r.ETA >= 0 || !r.Changed {
		t.Errorf("before any time passed: %+v", r)
	}
	// 100 rows a second for 5 seconds.
	for range 5 {
		clk.advance(time.Second)
		m.add(100)
		r = m.read(clk.now())
	}
	if r.Rate != 100 || r.ETA != 5*time.Second || r.Done != 500 || r.Elapsed != 5*time.Second {
		t.Errorf("steady: %+v", r)
	}
	if again := m.read(clk.now()); again.Changed {
		t.Error("a read with no report in between says changed")
	}
	// Then 10 rows a second: after the window, the rate follows.
	for range 15 {
		clk.advance(time.Second)
		m.add(10)
		r = m.read(clk.now())
	}
	if r.Rate < 9.9 || r.Rate > 10.1 {
		t.Errorf("rate after slowing down: %v", r.Rate)
	}
	if want := time.Duration(float64(1000-650) / r.Rate * float64(time.Second)); r.ETA != want {
		t.Errorf("eta %v, want %v", r.ETA, want)
	}
	m.set(1000, "finishing")
	if r = m.read(clk.now()); r.ETA != 0 || r.Status != "finishing" {
		t.Errorf("after set: %+v", r)
	}
}

func TestMeterUnknownTotal(t *testing.T) {
	clk := newFakeClock()
	m := newMeter(clk.now())
	clk.advance(2 * time.Second)
	m.add(50)
	r := m.read(clk.now())
	if r.Unit != "items" || r.Rate != 25 || r.ETA >= 0 {
		t.Errorf("unknown total: %+v", r)
	}
	m.start(-5, "")
	if r := m.read(clk.now()); r.Total != 0 || r.Unit != "items" {
		t.Errorf("negative total: %+v", r)
	}
}
