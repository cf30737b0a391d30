package progress

import (
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/stages"
)

// Sink hands each running stage a Progress and is told when it ends. It
// satisfies the runtime's ProgressSink.
type Sink interface {
	// Stage returns the Progress of a stage instance that starts running.
	Stage(name string) stages.Progress
	// Finish says the stage ended with a status ("ran", "failed"...); its
	// display goes away.
	Finish(name, status string)
	// Close ends every display and waits until it is drawn for the last time.
	Close()
}

// DefaultLogEvery is how often the log sink reports a stage at most.
const DefaultLogEvery = 5 * time.Second

// ForTerminal returns the sink that suits out: live bars when it is a
// terminal that can draw them (TERM is not "dumb"), log lines through log
// otherwise. With live bars, write the logs through the returned writer so
// that they appear above the bars instead of tearing them; otherwise the
// writer is out itself.
func ForTerminal(out *os.File, log zerolog.Logger) (Sink, io.Writer) {
	if isatty.IsTerminal(out.Fd()) && os.Getenv("TERM") != "dumb" {
		t := NewTerminal(out)
		return t, t
	}
	return NewLog(log, DefaultLogEvery), out
}

var (
	_ Sink = (*Terminal)(nil)
	_ Sink = (*Log)(nil)
)
