package progress

import "time"

// config holds what the options set.
type config struct {
	clock   func() time.Time
	ticks   <-chan time.Time
	refresh <-chan any
	width   int
}

// Option adjusts a sink.
type Option func(*config)

// WithClock replaces the wall clock that rates and times are measured with
// (for tests).
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithTicks makes the log sink write on each value from ticks instead of on
// its own ticker (for tests; the value is the time of the tick).
func WithTicks(ticks <-chan time.Time) Option { return func(c *config) { c.ticks = ticks } }

// WithRefresh makes the terminal sink redraw on each value from ch instead
// of on its own timer (for tests).
func WithRefresh(ch <-chan any) Option { return func(c *config) { c.refresh = ch } }

// WithWidth sets the terminal width instead of asking the terminal (for tests).
func WithWidth(columns int) Option { return func(c *config) { c.width = columns } }

func newConfig(opts []Option) config {
	c := config{clock: time.Now}
	for _, o := range opts {
		o(&c)
	}
	return c
}
