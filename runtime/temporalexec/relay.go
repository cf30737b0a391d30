package temporalexec

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"
	"sync"
)

// progressPrefix starts the message of a progress log line (see
// runtime/progress.Log).
const progressPrefix = "progress: "

// relay copies an exec-stage child's JSON log lines to out, one whole line
// per write, and keeps the newest progress message, which the activity
// sends with its heartbeats.
type relay struct {
	out io.Writer

	mu     sync.Mutex
	latest string
}

// run reads r to its end.
func (l *relay) run(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var ev struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(line, &ev) == nil && strings.HasPrefix(ev.Message, progressPrefix) {
			l.mu.Lock()
			l.latest = strings.TrimPrefix(ev.Message, progressPrefix)
			l.mu.Unlock()
		}
		_, _ = l.out.Write(append(append([]byte{}, line...), '\n'))
	}
	// Anything after a line too long to scan is still passed on.
	_, _ = io.Copy(l.out, r)
}

// progress returns the newest progress message ("" before the first).
func (l *relay) progress() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.latest
}

// Heartbeat is what a stage's activity heartbeats with.
type Heartbeat struct {
	// Stage is the stage instance.
	Stage string `json:"stage"`
	// Key is its key.
	Key string `json:"key"`
	// Progress is the stage's newest progress report, e.g. "300/1,000 steps
	// (30%), 12.5 steps/s, 56s left"; empty until it reports one.
	Progress string `json:"progress,omitempty"`
}
