package progress

import (
	"sort"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/stages"
)

// Log reports running stages as log lines, for output that is not a
// terminal: on each tick, every stage that reported something new, at most
// once per interval per stage. A line carries the stage, the amount done,
// the total, the unit, the rate and the time left, as fields and as text.
type Log struct {
	cfg   config
	log   zerolog.Logger
	every time.Duration

	mu     sync.Mutex
	stages map[string]*logStage

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// logStage is one stage's state; it implements stages.Progress.
type logStage struct {
	m    *meter
	last time.Time // when its last line was written
}

// NewLog writes through log at most every interval per stage (default
// DefaultLogEvery when interval is not positive).
func NewLog(log zerolog.Logger, every time.Duration, opts ...Option) *Log {
	if every <= 0 {
		every = DefaultLogEvery
	}
	l := &Log{cfg: newConfig(opts), log: log, every: every, stages: map[string]*logStage{},
		stop: make(chan struct{}), done: make(chan struct{})}
	ticks := l.cfg.ticks
	var ticker *time.Ticker
	if ticks == nil {
		// Tick faster than the interval so a stage's line is never late by
		// more than a fraction of it.
		ticker = time.NewTicker(max(every/4, 100*time.Millisecond))
		ticks = ticker.C
	}
	go func() {
		defer close(l.done)
		if ticker != nil {
			defer ticker.Stop()
		}
		for {
			select {
			case now := <-ticks:
				l.tick(now)
			case <-l.stop:
				return
			}
		}
	}()
	return l
}

// Stage starts following a stage.
func (l *Log) Stage(name string) stages.Progress {
	now := l.cfg.clock()
	s := &logStage{m: newMeter(now), last: now}
	l.mu.Lock()
	l.stages[name] = s
	l.mu.Unlock()
	return s
}

// Start implements stages.Progress.
func (s *logStage) Start(total int64, unit string) { s.m.start(total, unit) }

// Add implements stages.Progress.
func (s *logStage) Add(n int64) { s.m.add(n) }

// Set implements stages.Progress.
func (s *logStage) Set(done int64, status string) { s.m.set(done, status) }

// tick writes a line for each stage due at now, in name order.
func (l *Log) tick(now time.Time) {
	l.mu.Lock()
	names := make([]string, 0, len(l.stages))
	for name, s := range l.stages {
		if now.Sub(s.last) >= l.every {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	due := make([]*logStage, len(names))
	for i, name := range names {
		due[i] = l.stages[name]
	}
	l.mu.Unlock()
	for i, s := range due {
		r := s.m.read(now)
		if !r.Changed {
			continue
		}
		s.last = now
		ev := l.log.Info().Str("stage", names[i]).Int64("done", r.Done).Str("unit", r.Unit)
		if r.Total > 0 {
			ev = ev.Int64("total", r.Total)
		}
		if r.Rate > 0 {
			ev = ev.Float64("per_second", r.Rate)
		}
		if r.ETA >= 0 {
			ev = ev.Float64("eta_s", r.ETA.Round(time.Second).Seconds())
		}
		if r.Status != "" {
			ev = ev.Str("status", r.Status)
		}
		ev.Msg("progress: " + r.describe())
	}
}

// Finish stops following a stage.
func (l *Log) Finish(name, _ string) {
	l.mu.Lock()
	delete(l.stages, name)
	l.mu.Unlock()
}

// Close stops the ticker; every tick received before is fully written.
func (l *Log) Close() {
	l.once.Do(func() { close(l.stop) })
	<-l.done
}
