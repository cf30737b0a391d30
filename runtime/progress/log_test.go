package progress

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

func TestLogSink(t *testing.T) {
	clk := newFakeClock()
	var buf bytes.Buffer
	// The ticks channel never fires: the test ticks by hand, in step with its reports.
	l := NewLog(zerolog.New(&buf), 5*time.Second, WithClock(clk.now), WithTicks(make(chan time.Time)))
	tok := l.Stage("tokens")
	tok.Start(1000, "rows")
	train := l.Stage("train")
	train.Start(300, "steps")
	idle := l.Stage("idle")
	_ = idle
	tick := func(d time.Duration) {
		clk.advance(d)
		l.tick(clk.now())
	}
	tok.Add(100)
	tick(2 * time.Second) // too early for any stage
	tok.Add(100)
	train.Set(30, "loss 1.25")
	tick(3 * time.Second) // 5s: tokens and train are due; idle reported nothing
	tok.Add(300)
	tick(time.Second) // 6s: tokens was reported a second ago
	l.Finish("train", "ran")
	train.Add(10)         // after Finish: not reported
	tick(4 * time.Second) // 10s: tokens due again
	tick(5 * time.Second) // 15s: nothing changed
	l.Close()

	type line struct {
		Stage     string  `json:"stage"`
		Done      int64   `json:"done"`
		Total     int64   `json:"total"`
		Unit      string  `json:"unit"`
		PerSecond float64 `json:"per_second"`
		ETA       float64 `json:"eta_s"`
		Status    string  `json:"status"`
		Message   string  `json:"message"`
	}
	var got []line
	for _, s := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var ln line
		if err := json.Unmarshal([]byte(s), &ln); err != nil {
			t.Fatalf("%v: %s", err, s)
		}
		got = append(got, ln)
	}
	want := []line{
		{Stage: "tokens", Done: 200, Total: 1000, Unit: "rows", PerSecond: 40, ETA: 20, Message: "progress: 200/1.0k rows (20%), 40 rows/s, ETA 20s"},
		{Stage: "train", Done: 30, Total: 300, Unit: "steps", PerSecond: 6, ETA: 45, Status: "loss 1.25", Message: "progress: 30/300 steps (10%), 6 steps/s, ETA 45s, loss 1.25"},
		{Stage: "tokens", Done: 500, Total: 1000, Unit: "rows", PerSecond: 50, ETA: 10, Message: "progress: 500/1.0k rows (50%), 50 rows/s, ETA 10s"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(got), len(want), buf.String())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestLogSinkTicksFromItsChannel(t *testing.T) {
	clk := newFakeClock()
	ticks := make(chan time.Time)
	var buf bytes.Buffer
	l := NewLog(zerolog.New(&buf), time.Second, WithClock(clk.now), WithTicks(ticks))
	s := l.Stage("scan")
	s.Start(0, "files")
	s.Add(7)
	ticks <- clk.now().Add(2 * time.Second)
	l.Close() // returns once the tick received is written
	l.Close()
	if got := buf.String(); !strings.Contains(got, `"message":"progress: 7 files, 3.50 files/s, 2s elapsed"`) {
		t.Errorf("log: %s", got)
	}
}
