package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/stages"
)

// hugeLineZst writes a .zst of a few KB holding one JSONL record with a
// 512 MiB value, then a normal record.
func hugeLineZst(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "bomb.jsonl.zst"))
	if err != nil {
		t.Fatal(err)
	}
	w, _ := zstd.NewWriter(f, zstd.WithEncoderLevel(zstd.SpeedFastest))
	w.Write([]byte(`{"text": "`))
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for range 512 {
		w.Write(chunk)
	}
	w.Write([]byte("\"}\n{\"text\": \"fine\"}\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// childEnv makes the test binary run one ingest (work dir and JSON params)
// and exit, so that its peak memory can be read from the kernel.
const childEnv = "PIPELINE_INGEST_TEST_CHILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		work, params, _ := strings.Cut(spec, "\n")
		var p map[string]any
		if err := json.Unmarshal([]byte(params), &p); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		out, err := os.MkdirTemp("", "ingest-out-")
		if err != nil {
			os.Exit(3)
		}
		defer os.RemoveAll(out)
		env := &stages.Env{Stage: "in", OutDir: out, ScratchDir: out, WorkDir: work, Params: p,
			Log: zerolog.Nop(), Output: io.Discard, Progress: stages.NopProgress{}}
		if _, err := (Kind{}).Run(context.Background(), env); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.RemoveAll(out)
			os.Exit(1)
		}
		os.RemoveAll(out)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// ingestPeak runs an ingest in a child process and returns its error output
// and peak resident memory.
func ingestPeak(t *testing.T, work string, params map[string]any) (string, int64) {
	t.Helper()
	b, _ := json.Marshal(params)
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"="+work+"\n"+string(b))
	var stderr strings.Builder
	child.Stderr = &stderr
	_ = child.Run()
	return stderr.String(), child.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
}

// A 512 MiB line in a small .zst never sits in memory: by default the
// stream's ratio stops it with an error naming the file; with the ratio
// limit lifted, the line is longer than max_record_bytes and becomes a
// `rejected` row, while the next record is read.
func TestHugeCompressedLineIsBounded(t *testing.T) {
	work := t.TempDir()
	hugeLineZst(t, work)
	msg, peak := ingestPeak(t, work, map[string]any{"path": "bomb.jsonl.zst", "on_error": "skip"})
	if !strings.Contains(msg, "bomb.jsonl.zst: decompresses more than with.max_ratio (1000) times") {
		t.Errorf("default limits: %s", msg)
	}
	t.Logf("refused stream: peak %d MB", peak>>20)
	if peak > 500<<20 {
		t.Errorf("the refused stream peaked at %d MB", peak>>20)
	}
	msg, peak = ingestPeak(t, work, map[string]any{"path": "bomb.jsonl.zst", "on_error": "skip", "max_ratio": 1e9})
	t.Logf("rejected line: peak %d MB", peak>>20)
	if msg != "" || peak > 500<<20 {
		t.Errorf("reading past the 512 MiB line: peak %d MB, %s", peak>>20, msg)
	}
	out, err := runIn(t, work, map[string]any{"path": "bomb.jsonl.zst", "on_error": "skip", "max_ratio": 1e9})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"text":"fine"`) || !strings.Contains(out, `"line":1`) || !strings.Contains(out, "longer than with.max_record_bytes (67108864)") {
		t.Errorf("output:\n%.2000s", out)
	}
	_, err = runIn(t, work, map[string]any{"path": "bomb.jsonl.zst", "max_ratio": 1e9})
	if err == nil || !strings.Contains(err.Error(), "bomb.jsonl.zst:1: record of") {
		t.Errorf("on_error fail: %v", err)
	}
}

// Long lines and CSV records over max_record_bytes are rejected, one row
// each, and reading goes on.
func TestRecordLengthLimit(t *testing.T) {
	long := strings.Repeat("x", 5000)
	files := map[string]string{
		"a.txt": "short\n" + long + "\nafter\n",
		"b.csv": "k,v\n1,ok\n2,\"" + long + "\"\n3,also\n",
	}
	out, err := runStage(t, files, map[string]any{"path": "a.txt", "on_error": "skip", "max_record_bytes": int64(1000)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"after"`) || !strings.Contains(out, "a.txt") || strings.Contains(out, long) {
		t.Errorf("text:\n%.600s", out)
	}
	out, err = runStage(t, files, map[string]any{"path": "b.csv", "on_error": "skip", "max_record_bytes": int64(1000)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"also"`) || !strings.Contains(out, `"line":3`) || strings.Contains(out, long) {
		t.Errorf("csv:\n%.600s", out)
	}
}

// A line may hold max bytes, its "\n" not counted, whether or not it is the
// last; a "\r" before the "\n" counts. Lines longer than the read buffer
// are held to the same bound.
func TestLineReaderBound(t *testing.T) {
	const max = 4
	for _, c := range []struct {
		in   string
		long []bool
	}{
		{"abcd\nabcd", []bool{false, false}},
		{"abcde\nabcde", []bool{true, true}},
		{"abc\r\nabcd\r\n", []bool{false, true}},
		{"\n", []bool{false}},
	} {
		lr := newLineReader(strings.NewReader(c.in), max)
		for i, want := range c.long {
			_, err := lr.next()
			if err != nil && !isTooLong(err) {
				t.Fatalf("%q line %d: %v", c.in, i+1, err)
			}
			if isTooLong(err) != want {
				t.Errorf("%q line %d: too long %v, want %v", c.in, i+1, isTooLong(err), want)
			}
		}
		if _, err := lr.next(); !errors.Is(err, io.EOF) {
			t.Errorf("%q: %v after the last line, want EOF", c.in, err)
		}
	}
	big := 300 << 10
	for _, n := range []int{big, big + 1} {
		lr := newLineReader(strings.NewReader(strings.Repeat("x", n)+"\n"+strings.Repeat("y", n)), int64(big))
		for i := 0; i < 2; i++ {
			if _, err := lr.next(); isTooLong(err) != (n > big) {
				t.Errorf("line %d of %d bytes, bound %d: %v", i+1, n, big, err)
			}
		}
	}
}
