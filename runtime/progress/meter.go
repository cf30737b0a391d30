package progress

import (
	"sync"
	"time"
)

// rateWindow is how far back the rate looks: long enough to smooth bursts,
// short enough to follow a stage that speeds up or slows down.
const rateWindow = 10 * time.Second

// point is the amount done at one instant.
type point struct {
	at   time.Time
	done int64
}

// meter accumulates one stage's progress. It is safe for concurrent use:
// the stage reports from its goroutines while a display reads it.
type meter struct {
	mu      sync.Mutex
	started time.Time
	total   int64
	unit    string
	done    int64
	status  string
	// history holds the amounts seen by recent reads, oldest first, for the rate.
	history []point
	// changed is set by every report and cleared by a read.
	changed bool
}

func newMeter(now time.Time) *meter { return &meter{started: now, unit: "items"} }

// start records the total (0 when unknown) and the unit.
func (m *meter) start(total int64, unit string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.total = max(total, 0)
	if unit != "" {
		m.unit = unit
	}
	m.changed = true
}

// add records n more units done and returns the new amount.
func (m *meter) add(n int64) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done += n
	m.changed = true
	return m.done
}

// set records the absolute amount done and a status text.
func (m *meter) set(done int64, status string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done = done
	m.status = status
	m.changed = true
}

// reading is what a display shows of a meter at one instant.
type reading struct {
	Done, Total int64
	Unit        string
	Status      string
	Elapsed     time.Duration
	// Rate is units per second over the recent window; 0 until known.
	Rate float64
	// ETA is the time left at the current rate; negative when unknown.
	ETA time.Duration
	// Changed says whether anything was reported since the last read.
	Changed bool
}

// read returns the meter's state at now and remembers the amount for the rate.
func (m *meter) read(now time.Time) reading {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := reading{Done: m.done, Total: m.total, Unit: m.unit, Status: m.status, Elapsed: now.Sub(m.started), ETA: -1, Changed: m.changed}
	m.changed = false
	if len(m.history) == 0 || now.After(m.history[len(m.history)-1].at) {
		m.history = append(m.history, point{now, m.done})
	}
	cut := 0
	for cut < len(m.history)-2 && now.Sub(m.history[cut+1].at) >= rateWindow {
		cut++
	}
	m.history = m.history[cut:]
	from := point{m.started, 0}
	if now.Sub(m.started) > rateWindow && len(m.history) > 1 {
		from = m.history[0]
	}
	if dt := now.Sub(from.at).Seconds(); dt > 0 && m.done > from.done {
		r.Rate = float64(m.done-from.done) / dt
	}
	if r.Rate > 0 && m.total > 0 {
		left := max(m.total-m.done, 0)
		r.ETA = time.Duration(float64(left) / r.Rate * float64(time.Second))
	}
	return r
}
