package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/stages"
)

// Statuses a stage has in a live state before it ends (then it takes one of
// the manifest's: ran, cached, failed, skipped).
const (
	StatusPending = "pending"
	StatusRunning = "running"
)

// LiveState is what a run in progress says of itself: each stage instance's
// status so far. The runner rewrites it atomically (runs/<id>/live.json) as
// stages start, report progress and end, at most every liveInterval, and removes it once the
// run's manifest is written; readers such as `pipeline ui` show it while no
// manifest exists.
type LiveState struct {
	RunID string `json:"run_id"`
	// Name is the run's name (`run --name`), if any.
	Name       string    `json:"name,omitempty"`
	Definition string    `json:"definition"`
	StartedAt  time.Time `json:"started_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	// PID and Host identify the process running it, so a reader can tell a
	// run that was killed from one still going (see Abandoned).
	PID    int         `json:"pid"`
	Host   string      `json:"host"`
	Stages []LiveStage `json:"stages"`
}

// LiveStage is one stage instance of a LiveState.
type LiveStage struct {
	Name   string      `json:"name"`
	Kind   string      `json:"kind"`
	Status string      `json:"status"`
	Inputs []LiveInput `json:"inputs,omitempty"`
	// StartedAt is set once the stage started.
	StartedAt  *time.Time `json:"started_at,omitempty"`
	DurationMS int64      `json:"duration_ms,omitempty"`
	Error      string     `json:"error,omitempty"`
	// Metrics are the stage's final metrics, once it ended.
	Metrics map[string]float64 `json:"metrics,omitempty"`
	// Done, Total and Unit are a running stage's progress as it reports it
	// (120 of 600 steps); Total is 0 when unknown.
	Done  int64  `json:"done,omitempty"`
	Total int64  `json:"total,omitempty"`
	Unit  string `json:"unit,omitempty"`
}

// LiveInput is one input port of a live stage and the output feeding it
// (`stage.port`, as in a manifest's inputs).
type LiveInput struct {
	Port string `json:"port"`
	From string `json:"from"`
}

// ReadLiveState reads a live-state file.
func ReadLiveState(path string) (*LiveState, error) {
	data, err := artifacts.ReadFileBounded(path, maxLiveStateBytes)
	if err != nil {
		return nil, fmt.Errorf("reading live state: %w", err)
	}
	var s LiveState
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("reading live state %s: %w", path, err)
	}
	return &s, nil
}

// Abandoned reports whether the process that wrote the state is known to be
// gone: it ran on this host and no process has its id. A run killed before
// it wrote its manifest leaves such a state behind.
func (s *LiveState) Abandoned() bool {
	host, err := os.Hostname()
	if err != nil || host != s.Host || s.PID <= 0 {
		return false
	}
	err = syscall.Kill(s.PID, 0)
	return errors.Is(err, syscall.ESRCH)
}

// Manifest is the live state as a partial manifest (run id, definition,
// stages with their kinds, statuses, inputs and metrics), for code that draws
// or summarises manifests.
func (s *LiveState) Manifest() *artifacts.Manifest {
	m := &artifacts.Manifest{RunID: s.RunID, Name: s.Name, StartedAt: s.StartedAt, Status: StatusRunning}
	m.Definition.Name = s.Definition
	for _, st := range s.Stages {
		rec := artifacts.StageRecord{Name: st.Name, Stage: st.Name, Kind: st.Kind, Status: st.Status, Error: st.Error,
			DurationMS: st.DurationMS, Metrics: st.Metrics, Inputs: []artifacts.PortRecord{}, Outputs: []artifacts.PortRecord{}}
		if at := strings.IndexByte(st.Name, '@'); at > 0 {
			rec.Stage = st.Name[:at]
		}
		for _, in := range st.Inputs {
			rec.Inputs = append(rec.Inputs, artifacts.PortRecord{Port: in.Port, From: in.From})
		}
		m.Stages = append(m.Stages, rec)
	}
	return m
}

// LiveRunIDs lists the runs in progress (or killed before they ended): run
// directories with a live state and no manifest, newest first.
func (w *Workspace) LiveRunIDs() ([]string, error) {
	return w.runDirs(func(id string) bool {
		if _, err := os.Stat(w.ManifestPath(id)); err == nil {
			return false
		}
		_, err := os.Stat(w.LiveStatePath(id))
		return err == nil
	})
}

// maxLiveStateBytes bounds a live state read back (a 10,000-stage run's
// is a few MiB).
const maxLiveStateBytes = 64 << 20

// liveInterval is the shortest time between two writes of a live state, so
// a run of many cached stages writes it a few times, not once a stage.
const liveInterval = 250 * time.Millisecond

// liveRecorder keeps a run's live state and writes it in the background.
type liveRecorder struct {
	path string
	log  zerolog.Logger
	// kick asks the writer for a write; stop ends it; done closes when it has.
	kick, stop, done chan struct{}

	mu sync.Mutex
	// state, index, dirty and warned are guarded by mu.
	state  LiveState
	index  map[string]int
	dirty  bool
	warned bool
}

// newLiveRecorder writes the first live state of a run (every stage
// pending) and starts the writer of the later ones.
func newLiveRecorder(ws *Workspace, g *pipeline.Graph, id, name string, started time.Time, log zerolog.Logger) *liveRecorder {
	host, _ := os.Hostname()
	l := &liveRecorder{path: ws.LiveStatePath(id), log: log, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
		index: map[string]int{}}
	l.state = LiveState{RunID: id, Name: name, Definition: g.Def.Name, StartedAt: started, UpdatedAt: started, PID: os.Getpid(), Host: host}
	for _, n := range g.Nodes {
		st := LiveStage{Name: n.Name, Kind: n.Kind.Name(), Status: StatusPending}
		for _, in := range n.Inputs {
			st.Inputs = append(st.Inputs, LiveInput{Port: in.Port, From: in.From.Name + "." + in.FromPort})
		}
		l.index[n.Name] = len(l.state.Stages)
		l.state.Stages = append(l.state.Stages, st)
	}
	l.mu.Lock()
	l.dirty = true
	l.writeLocked()
	l.mu.Unlock()
	go l.run()
	return l
}

// started marks a stage instance as running.
func (l *liveRecorder) started(name string) {
	now := time.Now().UTC()
	l.update(name, func(st *LiveStage) {
		st.Status, st.StartedAt = StatusRunning, &now
	})
}

// ended records how a stage instance ended.
func (l *liveRecorder) ended(res *StageResult) {
	l.update(res.Node.Name, func(st *LiveStage) {
		st.Status, st.Error = res.Status, res.Record.Error
		st.DurationMS = res.Duration.Milliseconds()
		if len(res.Record.Metrics) > 0 {
			st.Metrics = maps.Clone(res.Record.Metrics)
		}
	})
}

// progress returns the stages.Progress that records a stage instance's
// progress in the live state, written as the rest is (at most every
// liveInterval).
func (l *liveRecorder) progress(name string) stages.Progress {
	if l == nil {
		return stages.NopProgress{}
	}
	return liveProgress{l: l, name: name}
}

// liveProgress is one stage instance's progress into its live state.
type liveProgress struct {
	l    *liveRecorder
	name string
}

// Start implements stages.Progress.
func (p liveProgress) Start(total int64, unit string) {
	p.l.update(p.name, func(st *LiveStage) { st.Done, st.Total, st.Unit = 0, total, unit })
}

// Add implements stages.Progress.
func (p liveProgress) Add(n int64) {
	p.l.update(p.name, func(st *LiveStage) { st.Done += n })
}

// Set implements stages.Progress.
func (p liveProgress) Set(done int64, _ string) {
	p.l.update(p.name, func(st *LiveStage) { st.Done = done })
}

func (l *liveRecorder) update(name string, f func(*LiveStage)) {
	if l == nil {
		return
	}
	l.mu.Lock()
	if i, ok := l.index[name]; ok {
		f(&l.state.Stages[i])
		l.dirty = true
	}
	l.mu.Unlock()
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// run writes the state when asked, at most every liveInterval.
func (l *liveRecorder) run() {
	defer close(l.done)
	for {
		select {
		case <-l.kick:
		case <-l.stop:
			return
		}
		l.mu.Lock()
		l.writeLocked()
		l.mu.Unlock()
		select {
		case <-time.After(liveInterval):
		case <-l.stop:
			return
		}
	}
}

// writeLocked writes the state if it changed; l.mu is held. A failed write
// is logged once and does not stop the run.
func (l *liveRecorder) writeLocked() {
	if !l.dirty {
		return
	}
	l.dirty = false
	l.state.UpdatedAt = time.Now().UTC()
	data, err := json.Marshal(&l.state)
	if err == nil {
		err = artifacts.WriteFileAtomic(l.path, data)
	}
	if err != nil && !l.warned {
		l.warned = true
		l.log.Warn().Err(err).Msg("could not write the run's live state")
	}
}

// close stops the writer and writes the last state; with remove (the
// manifest is written) it deletes the file instead.
func (l *liveRecorder) close(remove bool) {
	if l == nil {
		return
	}
	close(l.stop)
	<-l.done
	if remove {
		if err := os.Remove(l.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			l.log.Warn().Err(err).Msg("could not remove the run's live state")
		}
		return
	}
	l.mu.Lock()
	l.writeLocked()
	l.mu.Unlock()
}
