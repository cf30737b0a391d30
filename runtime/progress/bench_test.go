package progress

import (
	"io"
	"testing"

	"github.com/rs/zerolog"
)

// The cost of one report on a stage's hot path.

func BenchmarkTerminalAdd(b *testing.B) {
	term := NewTerminal(io.Discard)
	s := term.Stage("bench")
	s.Start(int64(b.N), "rows")
	b.ResetTimer()
	for range b.N {
		s.Add(1)
	}
	b.StopTimer()
	term.Finish("bench", "ran")
	term.Close()
}

func BenchmarkLogAdd(b *testing.B) {
	l := NewLog(zerolog.Nop(), 0)
	s := l.Stage("bench")
	s.Start(int64(b.N), "rows")
	b.ResetTimer()
	for range b.N {
		s.Add(1)
	}
	b.StopTimer()
	l.Close()
}
