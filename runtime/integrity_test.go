package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlpipe/pipeline/artifacts"
)

// flipByte changes one byte of a store object in place, keeping its size, as
// a bad disk or a stray writer would.
func flipByte(t *testing.T, path string) {
	t.Helper()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[0] ^= 1
	if err := os.WriteFile(path, b, 0o444); err != nil {
		t.Fatal(err)
	}
}

// outputObject returns the store path of a stage's last exposed output.
func outputObject(t *testing.T, p *project, stage, port string) string {
	t.Helper()
	path, err := filepath.EvalSymlinks(filepath.Join(p.dir, ".pipeline", "out", "pipeline", stage, port))
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// A same-size change to a cached upstream object is never used: the upstream
// is rebuilt from its stage, and the downstream stage that re-runs reads the
// rebuilt bytes.
func TestSameSizeCorruptionIsRebuiltNotSpread(t *testing.T) {
	p := newProject(t, chain, map[string]string{"words.txt": "a b c\n"})
	p.run(Options{})
	obj := outputObject(t, p, "count", "n")
	want, _ := os.ReadFile(obj)
	flipByte(t, obj)
	res := p.run(Options{}, "sep=+")
	if got := statuses(res); got != "clean=cached count=ran label=ran" {
		t.Fatalf("after corrupting count's output: %s", got)
	}
	got, _ := os.ReadFile(outputObject(t, p, "count", "n"))
	if string(got) != string(want) {
		t.Errorf("count's output is %q, want %q", got, want)
	}
	label, _ := os.ReadFile(outputObject(t, p, "label", "label"))
	if !strings.HasPrefix(string(label), "n+"+strings.TrimSpace(string(want))+" ") {
		t.Errorf("label computed from %q", label)
	}
	quarantined, _ := filepath.Glob(filepath.Join(p.dir, ".pipeline", "tmp", "quarantine-*", "object"))
	if len(quarantined) != 1 {
		t.Errorf("quarantined objects: %v", quarantined)
	}
}

// An input corrupted after its producer finished in this run fails the
// consumer, naming the port; nothing is recorded for it.
func TestCorruptInputFailsTheConsumer(t *testing.T) {
	const def = `version: 1
name: mid
stages:
  a:
    kind: exec
    with: {cmd: "echo hello > $PIPELINE_OUT/o", outputs: [o]}
  spoil:
    kind: exec
    sandbox: none
    inputs: {x: a.o}
    with: {cmd: "chmod u+w $PIPELINE_IN_X 2>/dev/null; printf jello > $PIPELINE_IN_X.tmp && cat $PIPELINE_IN_X.tmp > $PIPELINE_IN_X; echo done > $PIPELINE_OUT/o", outputs: [o]}
`
	p := newProject(t, def, nil)
	res := p.run(Options{})
	if got := statuses(res); !strings.Contains(got, "spoil=failed") {
		t.Fatalf("statuses: %s", got)
	}
	var msg string
	for _, s := range res.Stages {
		if s.Node.Name == "spoil" && s.Err != nil {
			msg = s.Err.Error()
		}
	}
	if !strings.Contains(msg, "changed its input `x` (from a.o)") {
		t.Errorf("error: %q", msg)
	}
	if ar, _ := p.workspace().Store.LoadAction(res.Stages[1].Key); ar != nil {
		t.Errorf("a stage that changed its input was recorded: %+v", ar)
	}
}

// A stage that replaces its input file (create + rename, as sed -i does)
// fails naming the port, and later runs rebuild the input instead of
// serving the changed bytes.
func TestStageRewritingItsInputFails(t *testing.T) {
	const def = `version: 1
name: sedi
stages:
  a:
    kind: exec
    with: {cmd: "echo hello > $PIPELINE_OUT/o", outputs: [o]}
  b:
    kind: exec
    inputs: {x: a.o}
    with: {cmd: "sed -i s/hello/HELLO/ $PIPELINE_IN_X; cat $PIPELINE_IN_X > $PIPELINE_OUT/o", outputs: [o]}
`
	p := newProject(t, def, nil)
	res := p.run(Options{})
	for _, s := range res.Stages {
		if s.Node.Name == "b" && s.Status == StatusRan {
			out, _ := os.ReadFile(outputObject(t, p, "b", "o"))
			if string(out) != "hello\n" {
				t.Fatalf("b ran and saw %q: it changed its input", out)
			}
		}
	}
	got, err := os.ReadFile(outputObject(t, p, "a", "o"))
	if err == nil && string(got) != "hello\n" {
		t.Fatalf("a's stored output is now %q", got)
	}
	res = p.run(Options{})
	if got := statuses(res); !strings.HasPrefix(got, "a=") {
		t.Fatalf("second run: %s", got)
	}
	got, _ = os.ReadFile(outputObject(t, p, "a", "o"))
	if string(got) != "hello\n" {
		t.Errorf("a's output served as %q", got)
	}
}

// A proved object is then trusted on a stat: its bytes are not read again.
func TestSealedObjectIsProvedWithoutReading(t *testing.T) {
	dir := t.TempDir()
	s := artifacts.NewStore(dir)
	if err := s.Init(); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "tmp", "f")
	if err := os.WriteFile(src, []byte("some bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	tree, err := s.Publish(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	seal, err := s.SealObject(tree.Digest)
	if err != nil {
		t.Fatal(err)
	}
	o := artifacts.Output{Tree: tree, Seal: seal}
	// A fresh seal is within the racy window: proving it hashes again, and
	// the renewed seal is still too fresh to be worth recording.
	if got, record, err := s.Prove(o); err != nil || record || got.Seal == nil || got.Seal.SealedNS <= seal.SealedNS {
		t.Fatalf("fresh seal: record=%v err=%v", record, err)
	}
	// An old seal that matches is trusted without reading: make the object
	// unreadable to show no read happens.
	seal.SealedNS = time.Now().Add(time.Hour).UnixNano()
	path := s.ObjectPath(tree.Digest)
	if os.Getuid() != 0 {
		if err := os.Chmod(path, 0); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(path, 0o444)
		seal.Files[0].CtimeNS = mustSeal(t, s, tree.Digest).Files[0].CtimeNS
	}
	if _, changed, err := s.Prove(artifacts.Output{Tree: tree, Seal: seal}); err != nil || changed {
		t.Fatalf("trusted seal: changed=%v err=%v", changed, err)
	}
	// Same size, new bytes: the seal no longer matches and the hash tells.
	flipByte(t, path)
	if _, _, err := s.Prove(artifacts.Output{Tree: tree, Seal: seal}); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("after a flip: %v", err)
	}
}

func mustSeal(t *testing.T, s *artifacts.Store, digest string) *artifacts.Seal {
	t.Helper()
	seal, err := s.SealObject(digest)
	if err != nil {
		t.Fatal(err)
	}
	return seal
}

// A stage whose log cannot be written (a full disk: its log file is
// /dev/full here) still runs to its end: its output is drained, its own
// failure is reported with its last output, and the log failure is named.
func TestFullDiskUnderTheLogKeepsTheRealError(t *testing.T) {
	const def = `version: 1
name: full
stages:
  loud:
    kind: exec
    with: {cmd: "seq 1 100000; echo the-real-problem >&2; exit 7", outputs: [o]}
`
	p := newProject(t, def, nil)
	const id = "20260101T000000.000Z-full00"
	logs := filepath.Join(p.dir, ".pipeline", "runs", id, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/full", filepath.Join(logs, "loud.log")); err != nil {
		t.Fatal(err)
	}
	res := p.run(Options{RunID: id})
	s := res.Stages[0]
	if s.Status != StatusFailed || s.Err == nil {
		t.Fatalf("status %s, err %v", s.Status, s.Err)
	}
	if msg := s.Err.Error(); !strings.Contains(msg, "exit status 7") || !strings.Contains(msg, "no space left on device") {
		t.Errorf("error %q", msg)
	}
	if !strings.Contains(s.LogTail, "the-real-problem") {
		t.Errorf("last output %q", s.LogTail)
	}
}
