package sysmetrics

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sync"
	"time"
)

// Probe names, as unavailable records and summaries name them.
const (
	ProbeProcess = "process"
	ProbeIO      = "io"
	ProbeGPU     = "gpu"
)

// Summary sums up a sampled run.
type Summary struct {
	// Samples is the number of sample records written.
	Samples int `json:"samples"`
	// DurationS is seconds from Start to Stop.
	DurationS float64 `json:"duration_s"`
	// CPUSeconds is the CPU time the process tree used between Start and Stop.
	CPUSeconds float64 `json:"cpu_seconds"`
	// PeakRSSBytes is the highest resident memory of the tree seen.
	PeakRSSBytes int64 `json:"peak_rss_bytes"`
	// GPUs sum up each GPU's readings.
	GPUs []GPUSummary `json:"gpus,omitempty"`
	// Unavailable maps each probe that could not measure to why.
	Unavailable map[string]string `json:"unavailable,omitempty"`
}

// GPUSummary sums up one GPU's readings.
type GPUSummary struct {
	Index int    `json:"index"`
	Name  string `json:"name"`
	// MeanUtilizationPercent averages the readings that had one.
	MeanUtilizationPercent float64 `json:"mean_utilization_percent"`
	// PeakMemoryUsedBytes is the most memory in use seen.
	PeakMemoryUsedBytes int64 `json:"peak_memory_used_bytes"`

	utilSum float64
	utilN   int
}

// Sampler writes a sample of the process tree (and the GPUs) to a file at
// every tick until stopped.
type Sampler struct {
	cfg   config
	f     *os.File
	w     *bufio.Writer
	enc   *json.Encoder
	start time.Time
	gpu   *gpuProbe

	mu          sync.Mutex
	base        float64 // CPU seconds at Start
	prevCPU     float64
	prevAt      time.Time
	summary     Summary
	gpus        map[int]*GPUSummary
	spans       map[*Span]struct{}
	writeErr    error
	processDown bool

	stopping chan struct{}
	stopped  chan struct{}
	once     sync.Once
}

// Start creates (or truncates) the NDJSON file at path, writes a first
// sample, and samples at every tick: from ticks when given (for tests; the
// value is ignored, the sampler's clock stamps the record), else every
// interval. Probes that cannot work here are reported once, in the file and
// through the logger, and sampling goes on without them.
func Start(path string, interval time.Duration, ticks <-chan time.Time, opts ...Option) (*Sampler, error) {
	if interval <= 0 && ticks == nil {
		return nil, fmt.Errorf("sampling interval must be positive, got %v", interval)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating system metrics file: %w", err)
	}
	s := &Sampler{cfg: newConfig(opts), f: f, gpus: map[int]*GPUSummary{}, spans: map[*Span]struct{}{},
		stopping: make(chan struct{}), stopped: make(chan struct{})}
	s.w = bufio.NewWriter(f)
	s.enc = json.NewEncoder(s.w)
	s.start = s.cfg.clock()
	if s.cfg.nvidiaSMI == "" {
		s.unavailable(s.start, ProbeGPU, errNoNvidiaSMI)
	} else if g, err := startGPU(s.cfg.nvidiaSMI, max(interval, time.Second)); err != nil {
		s.unavailable(s.start, ProbeGPU, err)
	} else {
		s.gpu = g
	}
	s.mu.Lock()
	u, ok := s.measure(s.start)
	if ok {
		s.base, s.prevCPU, s.prevAt = u.CPUSeconds, u.CPUSeconds, s.start
	}
	s.mu.Unlock()
	s.sample(s.start)
	var ticker *time.Ticker
	if ticks == nil {
		ticker = time.NewTicker(interval)
		ticks = ticker.C
	}
	go func() {
		defer close(s.stopped)
		if ticker != nil {
			defer ticker.Stop()
		}
		for {
			select {
			case at := <-ticks:
				s.sample(at)
			case <-s.stopping:
				return
			}
		}
	}()
	return s, nil
}

// unavailable records once that a probe cannot measure, and why.
func (s *Sampler) unavailable(now time.Time, probe string, why error) {
	if s.summary.Unavailable == nil {
		s.summary.Unavailable = map[string]string{}
	}
	if _, said := s.summary.Unavailable[probe]; said {
		return
	}
	s.summary.Unavailable[probe] = why.Error()
	s.cfg.log.Info().Str("probe", probe).Str("reason", why.Error()).Msg("system metrics: probe unavailable")
	s.write(Record{Type: TypeUnavailable, Time: now.UTC(), ElapsedS: now.Sub(s.start).Seconds(), Probe: probe, Reason: why.Error()})
}

// measure reads the process tree at now, reporting probes that fail. Holds s.mu.
func (s *Sampler) measure(now time.Time) (Usage, bool) {
	if s.processDown {
		return Usage{}, false
	}
	var exclude map[int32]bool
	if s.gpu != nil {
		exclude = map[int32]bool{s.gpu.pid(): true}
	}
	u, ioErr, err := measureTree(context.Background(), s.cfg.pid, exclude)
	if err != nil {
		s.processDown = true
		s.unavailable(now, ProbeProcess, err)
		return Usage{}, false
	}
	if ioErr != nil {
		s.unavailable(now, ProbeIO, fmt.Errorf("reading I/O counters: %w", ioErr))
	}
	return u, true
}

// sample writes one sample record stamped now.
func (s *Sampler) sample(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := Record{Type: TypeSample, Time: now.UTC(), ElapsedS: now.Sub(s.start).Seconds()}
	if u, ok := s.measure(now); ok {
		rec.Process = &u
		if dt := now.Sub(s.prevAt).Seconds(); dt > 0 {
			pct := math.Round(max(u.CPUSeconds-s.prevCPU, 0)/dt*1000) / 10
			rec.CPUPercent = &pct
		}
		s.prevCPU, s.prevAt = u.CPUSeconds, now
		s.summary.CPUSeconds = math.Round(max(u.CPUSeconds-s.base, 0)*userTicks) / userTicks
		s.summary.PeakRSSBytes = max(s.summary.PeakRSSBytes, u.PeakRSSBytes)
		for sp := range s.spans {
			sp.peak = max(sp.peak, u.RSSBytes)
		}
	}
	if s.gpu != nil {
		gpus, ended := s.gpu.readings()
		if ended != nil {
			s.unavailable(now, ProbeGPU, ended)
		} else {
			rec.GPUs = gpus
			s.addGPUs(gpus)
		}
	}
	s.summary.Samples++
	s.write(rec)
}

// addGPUs folds GPU readings into the summary. Holds s.mu.
func (s *Sampler) addGPUs(gpus []GPU) {
	for _, g := range gpus {
		sum := s.gpus[g.Index]
		if sum == nil {
			sum = &GPUSummary{Index: g.Index, Name: g.Name}
			s.gpus[g.Index] = sum
		}
		if g.UtilizationPercent != nil {
			sum.utilSum += *g.UtilizationPercent
			sum.utilN++
			sum.MeanUtilizationPercent = sum.utilSum / float64(sum.utilN)
		}
		if g.MemoryUsedBytes != nil {
			sum.PeakMemoryUsedBytes = max(sum.PeakMemoryUsedBytes, *g.MemoryUsedBytes)
		}
	}
}

// write appends a record; the first error is kept for Stop.
func (s *Sampler) write(r Record) {
	if s.writeErr != nil {
		return
	}
	if err := s.enc.Encode(r); err != nil {
		s.writeErr = fmt.Errorf("writing system metrics to %s: %w", s.f.Name(), err)
	}
}

// Stop takes a last sample, closes the file and returns the summary. It may
// be called more than once; later calls return the same summary.
func (s *Sampler) Stop() (Summary, error) {
	s.once.Do(func() {
		close(s.stopping)
		<-s.stopped
		end := s.cfg.clock()
		s.sample(end)
		if s.gpu != nil {
			s.gpu.stop()
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.summary.DurationS = end.Sub(s.start).Seconds()
		for i := 0; i < len(s.gpus); i++ {
			if g := s.gpus[i]; g != nil {
				s.summary.GPUs = append(s.summary.GPUs, *g)
			}
		}
		if err := s.w.Flush(); err != nil && s.writeErr == nil {
			s.writeErr = fmt.Errorf("writing system metrics to %s: %w", s.f.Name(), err)
		}
		if err := s.f.Close(); err != nil && s.writeErr == nil {
			s.writeErr = fmt.Errorf("closing %s: %w", s.f.Name(), err)
		}
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.summary, s.writeErr
}

// Span measures the process tree over a stretch of a run (a stage).
type Span struct {
	s     *Sampler
	start Usage
	ok    bool
	peak  int64
}

// Span starts measuring now. With stages running in parallel their spans
// overlap and each sees the whole tree: the figures are per stage only when
// stages run one at a time.
func (s *Sampler) Span() *Span {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.measure(s.cfg.clock())
	sp := &Span{s: s, start: u, ok: ok, peak: u.RSSBytes}
	s.spans[sp] = struct{}{}
	return sp
}

// End stops the span and returns the CPU seconds used during it and, as
// PeakRSSBytes, the highest resident memory of the tree sampled during it
// (at its ends and at every tick in between; a process's lifetime
// high-water mark is left out, since it may predate the span).
func (sp *Span) End() (Usage, error) {
	s := sp.s
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.spans, sp)
	u, ok := s.measure(s.cfg.clock())
	if !ok || !sp.ok {
		return Usage{}, errors.New("the process probe is unavailable")
	}
	u.CPUSeconds = math.Round(max(u.CPUSeconds-sp.start.CPUSeconds, 0)*userTicks) / userTicks
	u.PeakRSSBytes = max(u.RSSBytes, sp.peak)
	return u, nil
}
