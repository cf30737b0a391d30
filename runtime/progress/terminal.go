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

// Terminal draws one live bar per running stage (github.com/vbauerster/mpb):
// the stage's name, a bar when the total is known, the amount in the stage's
// unit, the rate and the time left. A finished stage's bar goes away; a
// failed one stays, marked failed, showing how far it got. Terminal is an io.Writer too: lines
// written to it (logs) are printed above the bars.
type Terminal struct {
	cfg  config
	p    *mpb.Progress
	mu   sync.Mutex
	bars map[string]*termStage
}

// termStage is one stage's bar; it implements stages.Progress.
type termStage struct {
	m   *meter
	bar *mpb.Bar
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

// nameWidth is the room the stage name takes before its bar.
const nameWidth = 16

// Stage adds a bar for a stage that starts running.
func (t *Terminal) Stage(name string) stages.Progress {
	m := newMeter(t.cfg.clock())
	s := &termStage{m: m, clock: t.cfg.clock}
	label := name
	if len(label) > nameWidth {
		label = label[:nameWidth-1] + "…"
	}
	bar := t.p.New(0, mpb.BarStyle().Lbound("[").Rbound("]"),
		mpb.PrependDecorators(decor.Name(label, decor.WC{W: nameWidth + 1, C: decor.DindentRight})),
		mpb.AppendDecorators(decor.Any(func(st decor.Statistics) string {
			r := m.read(t.cfg.clock())
			if e := s.ended.Load(); st.Aborted && e != nil {
				return *e + " at " + r.describeDone() + " after " + duration(r.Elapsed)
			}
			return r.describe()
		}, decor.WC{W: 1, C: decor.DindentRight | decor.DextraSpace})),
		mpb.BarRemoveOnComplete(),
		mpb.BarWidth(30),
	)
	s.bar = bar
	t.mu.Lock()
	if old := t.bars[name]; old != nil {
		old.stop("restarted", true)
	}
	t.bars[name] = s
	t.mu.Unlock()
	return s
}

// Start implements stages.Progress.
func (s *termStage) Start(total int64, unit string) {
	s.m.start(total, unit)
	s.bar.SetTotal(max(total, 0), false)
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
		s.bar.SetCurrent(done)
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
	s.bar.SetTotal(-1, true)
}

// stop ends the bar showing why; drop removes it.
func (s *termStage) stop(why string, drop bool) {
	s.sync(s.m.read(s.clock()).Done, true)
	s.ended.Store(&why)
	s.bar.Abort(drop)
}

// Close ends every bar still running, marked interrupted, and waits for the
// last draw.
func (t *Terminal) Close() {
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
