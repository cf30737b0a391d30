package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the drawing goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestTerminalSink(t *testing.T) {
	clk := newFakeClock()
	refresh := make(chan any) // never sent on: no timed redraws, only the final one
	var out lockedBuffer
	term := NewTerminal(&out, WithClock(clk.now), WithRefresh(refresh), WithWidth(120))
	tok := term.Stage("tokens")
	tok.Start(1000, "rows")
	split := term.Stage("a-very-long-stage-name@lr=0.001")
	split.Start(0, "bytes")
	quiet := term.Stage("an-exec-stage")
	_ = quiet
	done := term.Stage("done")
	done.Start(10, "steps")
	clk.advance(4 * time.Second)
	tok.Add(400)
	split.Set(3<<20, "")
	done.Add(10)
	term.Finish("done", "ran")
	if _, err := term.Write([]byte("a log line\n")); err != nil {
		t.Fatal(err)
	}
	term.Finish("tokens", "failed")
	term.Close()
	text := out.String()
	if strings.Contains(text, "items") {
		t.Errorf("a stage that counts nothing shows a count:\n%s", text)
	}
	for _, want := range []string{
		"tokens", "failed at 400/1.0k rows (40%) after 4s",
		"a-very-long-stage-name@lr=0.001", "interrupted at 3.0 MiB after 4s",
		"an-exec-stage     ", "interrupted after 4s",
		"a log line",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the display lacks %q:\n%s", want, text)
		}
	}
}
