package sysmetrics

import (
	"os"
	"os/exec"
	"time"

	"github.com/rs/zerolog"
)

// config holds what the options set.
type config struct {
	pid        int32
	log        zerolog.Logger
	nvidiaSMI  string
	findNvidia bool
	clock      func() time.Time
}

// Option adjusts a Sampler.
type Option func(*config)

// WithLogger says through log (once each) which probes are unavailable.
func WithLogger(log zerolog.Logger) Option { return func(c *config) { c.log = log } }

// WithPID samples the tree of another process than this one.
func WithPID(pid int) Option { return func(c *config) { c.pid = int32(pid) } }

// WithNvidiaSMI uses the nvidia-smi at path instead of looking it up on
// PATH; an empty path turns the GPU probe off.
func WithNvidiaSMI(path string) Option {
	return func(c *config) { c.nvidiaSMI, c.findNvidia = path, false }
}

// WithClock replaces the wall clock that stamps records (for tests).
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

func newConfig(opts []Option) config {
	c := config{pid: int32(os.Getpid()), log: zerolog.Nop(), findNvidia: true, clock: time.Now}
	for _, o := range opts {
		o(&c)
	}
	if c.findNvidia {
		c.nvidiaSMI, _ = exec.LookPath("nvidia-smi")
	}
	return c
}
