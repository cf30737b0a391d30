package runtime

import (
	"errors"
	"io/fs"
	"os"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

const liveDefinition = `version: 1
name: live
stages:
  a:
    kind: exec
    with: {cmd: "echo a > $PIPELINE_OUT/x", outputs: [x]}
  b:
    kind: exec
    inputs: {x: a.x}
    with: {cmd: "cat $PIPELINE_IN_X > $PIPELINE_OUT/y", outputs: [y]}
`

func TestLiveStateRecordsStagesAsTheyGo(t *testing.T) {
	p := newProject(t, liveDefinition, nil)
	ws := p.workspace()
	if err := ws.Init(); err != nil {
		t.Fatal(err)
	}
	g := p.graph()
	l := newLiveRecorder(ws, g, "20260101T000000.000Z-abcdef", "first", time.Unix(0, 0).UTC(), zerolog.Nop())
	s, err := ReadLiveState(ws.LiveStatePath("20260101T000000.000Z-abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Stages) != 2 || s.Stages[0].Status != StatusPending || s.Stages[1].Inputs[0].From != "a.x" || s.Name != "first" {
		t.Fatalf("first state: %+v", s)
	}
	ids, err := ws.LiveRunIDs()
	if err != nil || len(ids) != 1 {
		t.Fatalf("live runs: %v %v", ids, err)
	}
	l.started("a")
	pr := l.progress("a")
	pr.Start(10, "rows")
	pr.Add(3)
	pr.Add(2)
	l.close(false)
	s, err = ReadLiveState(ws.LiveStatePath("20260101T000000.000Z-abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Stages[0].Status != StatusRunning || s.Stages[0].StartedAt == nil || s.Stages[1].Status != StatusPending {
		t.Fatalf("after a started: %+v", s.Stages)
	}
	if a := s.Stages[0]; a.Done != 5 || a.Total != 10 || a.Unit != "rows" {
		t.Fatalf("a's progress: %d of %d %s, want 5 of 10 rows", a.Done, a.Total, a.Unit)
	}
	if s.Abandoned() {
		t.Fatal("a state written by this process is not abandoned")
	}
	m := s.Manifest()
	if m.RunID != s.RunID || len(m.Stages) != 2 || m.Stages[1].Inputs[0].From != "a.x" {
		t.Fatalf("as a manifest: %+v", m)
	}
}

func TestLiveStateIsRemovedWhenTheManifestIsWritten(t *testing.T) {
	p := newProject(t, liveDefinition, nil)
	res := p.run(Options{})
	ws := p.workspace()
	if _, err := os.Stat(ws.LiveStatePath(res.RunID)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("live state after the run: %v", err)
	}
	if ids, err := ws.LiveRunIDs(); err != nil || len(ids) != 0 {
		t.Fatalf("live runs after the run: %v %v", ids, err)
	}
}
