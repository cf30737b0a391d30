package temporalexec

import (
	"github.com/rs/zerolog"
	tlog "go.temporal.io/sdk/log"
)

// Logger adapts a zerolog logger to Temporal's logging interface.
func Logger(l zerolog.Logger) tlog.Logger { return zlog{l} }

type zlog struct{ l zerolog.Logger }

func (z zlog) Debug(msg string, kv ...any) { z.l.Debug().Fields(kv).Msg(msg) }
func (z zlog) Info(msg string, kv ...any)  { z.l.Info().Fields(kv).Msg(msg) }
func (z zlog) Warn(msg string, kv ...any)  { z.l.Warn().Fields(kv).Msg(msg) }
func (z zlog) Error(msg string, kv ...any) { z.l.Error().Fields(kv).Msg(msg) }
