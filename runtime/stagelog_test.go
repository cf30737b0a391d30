package runtime

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// A stage's log file keeps each event's fields, in the order logged, from
// info up whatever the terminal shows; the terminal gets the run's level.
func TestStageLogKeepsFields(t *testing.T) {
	var term, file bytes.Buffer
	r := &runner{opts: Options{Log: zerolog.New(&term).Level(zerolog.WarnLevel), LogOutput: &term}}
	log := r.stageLogger("train", &file)
	log.Info().Int("step", 120).Float64("loss", 0.0312345678).Float64("lr", 3e-4).Str("note", "two words").Msg("training")
	log.Debug().Msg("hidden")
	log.Warn().Str("path", "a=b").Msg("careful")
	want := "info: training step=120 loss=0.0312346 lr=0.0003 note=\"two words\"\nwarn: careful path=\"a=b\"\n"
	if file.String() != want {
		t.Errorf("stage log:\n%s\nwant\n%s", file.String(), want)
	}
	if strings.Contains(term.String(), "training") || !strings.Contains(term.String(), "careful") || !strings.Contains(term.String(), `"stage":"train"`) {
		t.Errorf("terminal: %s", term.String())
	}
	file.Reset()
	r.opts.LogJSON = true
	jlog := r.stageLogger("train", &file)
	jlog.Info().Int("step", 1).Msg("training")
	if !strings.HasPrefix(file.String(), `{"level":"info","stage":"train"`) {
		t.Errorf("JSON stage log: %s", file.String())
	}
}

// liveSink is a progress display that draws live lines.
type liveSink struct{ ProgressSink }

func (liveSink) Live() bool { return true }

// Under a live display a stage's informational lines go to its log file
// only; warnings still reach the terminal.
func TestLiveDisplayFoldsStageInfo(t *testing.T) {
	var term, file bytes.Buffer
	r := &runner{opts: Options{Log: zerolog.New(&term).Level(zerolog.InfoLevel), LogOutput: &term, Progress: liveSink{}}}
	log := r.stageLogger("train", &file)
	log.Info().Int("step", 10).Msg("training")
	log.Warn().Msg("slow")
	if strings.Contains(term.String(), "training") || !strings.Contains(term.String(), "slow") {
		t.Errorf("terminal: %s", term.String())
	}
	if !strings.Contains(file.String(), "info: training step=10") {
		t.Errorf("stage log: %s", file.String())
	}
}
