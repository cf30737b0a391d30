package progress

import (
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/mlpipe/pipeline/stages"
)

// Terminal draws one live line per running stage (github.com/vbauerster/mpb):
// the stage's whole name, a bar once it reports a total, the amount in the
// stage's unit, the rate and the time left (only the time elapsed for a
// stage that counts nothing). A finished stage's line goes away; a failed
// one stays, marked failed, showing how far it got. Terminal is an
// io.Writer too: lines written to it (logs) are printed above the bars.
type Terminal struct {
	cfg    config
	p      *mpb.Progress
	mu     sync.Mutex
	bars   map[string]*termStage
	closed atomic.Bool
}

// termStage is one stage's line; it implements stages.Progress.
type termStage struct {
	t    *Terminal
	name string
	m    *meter
	// bar is the stage's line: without a bar until a total is known, then
	// replaced by one with a bar.
	bar    atomic.Pointer[mpb.Bar]
	barred atomic.Bool
	// ended is shown before the progress once the bar is stopped.
	ended atomic.Pointer[string]
	clock func() time.Time
	// synced is when the bar last took the meter's amount (Unix ns): the bar
	// is a goroutine, so it is told at most every syncEvery, not per report.
	synced atomic.Int64
}

// syncEvery bounds how often a report is passed on to the bar.
const syncEvery = 50 * time.Millisecond

// NewTerminal draws on w, which should be a terminal.
func NewTerminal(w io.Writer, opts ...Option) *Terminal {
	cfg := newConfig(opts)
	popts := []mpb.ContainerOption{mpb.WithOutput(w), mpb.WithRefreshRate(200 * time.Millisecond)}
	if cfg.refresh != nil {
		popts = append(popts, mpb.WithManualRefresh(cfg.refresh), mpb.ForceTTY())
	}
	if cfg.width > 0 {
		popts = append(popts, mpb.WithWidth(cfg.width))
	}
	return &Terminal{cfg: cfg, p: mpb.New(popts...), bars: map[string]*termStage{}}
}

// nameWidth is the least room the stage name takes before its bar; longer
// names (sweep points) are shown whole.
const nameWidth = 16

// Stage adds a line for a stage that starts running.
func (t *Terminal) Stage(name string) stages.Progress {
	m := newMeter(t.cfg.clock())
	s := &termStage{t: t, name: name, m: m, clock: t.cfg.clock}
	s.bar.Store(s.newBar(0, mpb.NopStyle()))
	t.mu.Lock()
	if old := t.bars[name]; old != nil {
		old.stop("restarted", true)
	}
	t.bars[name] = s
	t.mu.Unlock()
	return s
}

// newBar makes the stage's line, drawn by filler.
func (s *termStage) newBar(total int64, filler mpb.BarFillerBuilder) *mpb.Bar {
	return s.t.p.New(total, filler,
		mpb.PrependDecorators(decor.Name(s.name, decor.WC{W: max(nameWidth, len([]rune(s.name))) + 1, C: decor.DindentRight})),
		mpb.AppendDecorators(decor.Any(func(st decor.Statistics) string {
			r := s.m.read(s.clock())
			if e := s.ended.Load(); st.Aborted && e != nil {
				if r.Done == 0 && r.Total <= 0 {
					return *e + " after " + duration(r.Elapsed)
				}
				return *e + " at " + r.describeDone() + " after " + duration(r.Elapsed)
			}
			return r.describe()
		}, decor.WC{W: 1, C: decor.DindentRight | decor.DextraSpace})),
		mpb.BarRemoveOnComplete(),
		mpb.BarWidth(30),
	)
}

// Start implements stages.Progress: with a total, the line gains a bar.
func (s *termStage) Start(total int64, unit string) {
	s.m.start(total, unit)
	if total > 0 && s.barred.CompareAndSwap(false, true) {
		old := s.bar.Swap(s.newBar(total, mpb.BarStyle().Lbound("[").Rbound("]")))
		old.Abort(true)
		return
	}
	s.bar.Load().SetTotal(max(total, 0), false)
}

// Add implements stages.Progress.
func (s *termStage) Add(n int64) { s.sync(s.m.add(n), false) }

// Set implements stages.Progress.
func (s *termStage) Set(done int64, status string) {
	s.m.set(done, status)
	s.sync(done, false)
}

// sync passes the amount done to the bar if it was last told long enough ago.
func (s *termStage) sync(done int64, force bool) {
	now := s.clock().UnixNano()
	last := s.synced.Load()
	if !force && now-last < int64(syncEvery) {
		return
	}
	if s.synced.CompareAndSwap(last, now) || force {
		s.bar.Load().SetCurrent(done)
	}
}

// Finish removes the bar of a stage that succeeded and leaves that of a
// failed one, marked failed.
func (t *Terminal) Finish(name, status string) {
	t.mu.Lock()
	s := t.bars[name]
	delete(t.bars, name)
	t.mu.Unlock()
	if s == nil {
		return
	}
	if status == "failed" {
		s.stop(status, false)
		return
	}
	s.sync(s.m.read(s.clock()).Done, true)
	s.bar.Load().SetTotal(-1, true)
}

// stop ends the bar showing why; drop removes it.
func (s *termStage) stop(why string, drop bool) {
	s.sync(s.m.read(s.clock()).Done, true)
	s.ended.Store(&why)
	s.bar.Load().Abort(drop)
}

// Live reports that the display draws live lines: stages' progress shows
// there, so their informational log lines need not.
func (t *Terminal) Live() bool { return true }

// Close ends every bar still running, marked interrupted, and waits for the
// last draw. Later calls do nothing.
func (t *Terminal) Close() {
	if !t.closed.CompareAndSwap(false, true) {
		return
	}
	t.mu.Lock()
	for name, s := range t.bars {
		s.stop("interrupted", false)
		delete(t.bars, name)
	}
	t.mu.Unlock()
	t.p.Wait()
}

// Write prints p above the bars; p should hold whole lines.
func (t *Terminal) Write(p []byte) (int, error) { return t.p.Write(p) }
