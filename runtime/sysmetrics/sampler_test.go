package sysmetrics

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// readRecords parses an NDJSON file.
func readRecords(t *testing.T, path string) []Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

func TestSamplerWritesSamplesAndSaysOnceWhatIsUnavailable(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "system.ndjson")
	ticks := make(chan time.Time)
	var logs bytes.Buffer
	s, err := Start(path, time.Second, ticks, WithNvidiaSMI(""), WithClock(clk.now), WithLogger(zerolog.New(&logs)))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		clk.t = clk.t.Add(time.Second)
		ticks <- clk.t
	}
	clk.t = clk.t.Add(500 * time.Millisecond)
	sum, err := s.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if again, err := s.Stop(); err != nil || again.Samples != sum.Samples {
		t.Errorf("second Stop: %+v, %v", again, err)
	}
	recs := readRecords(t, path)
	if len(recs) != 6 || recs[0].Type != TypeUnavailable || recs[0].Probe != ProbeGPU || !strings.Contains(recs[0].Reason, "nvidia-smi") {
		t.Fatalf("records %+v", recs)
	}
	wantElapsed := []float64{0, 1, 2, 3, 3.5}
	for i, r := range recs[1:] {
		if r.Type != TypeSample || r.Process == nil || r.Process.Processes < 1 || r.Process.RSSBytes <= 0 || r.ElapsedS != wantElapsed[i] {
			t.Errorf("sample %d: %+v", i, r)
		}
		if i > 0 && (r.CPUPercent == nil || *r.CPUPercent < 0) {
			t.Errorf("sample %d has no CPU percentage", i)
		}
		if r.GPUs != nil {
			t.Errorf("sample %d has GPUs", i)
		}
	}
	if sum.Samples != 5 || sum.DurationS != 3.5 || sum.PeakRSSBytes <= 0 || sum.CPUSeconds < 0 || sum.Unavailable[ProbeGPU] == "" {
		t.Errorf("summary %+v", sum)
	}
	if n := strings.Count(logs.String(), "probe unavailable"); n != 1 {
		t.Errorf("%d log lines about unavailable probes, want 1:\n%s", n, logs.String())
	}
}

func TestSamplerGPUThroughNvidiaSMI(t *testing.T) {
	// Answers the one-off query, then loops (with -l) until killed.
	smi := fakeNvidiaSMI(t, `echo "0, NVIDIA H200, 37, 1024, 143771"
echo "1, NVIDIA H200, [N/A], 2048, 143771"
case "$*" in *"-l 1"*) exec tail -f /dev/null ;; esac
`)
	path := filepath.Join(t.TempDir(), "system.ndjson")
	ticks := make(chan time.Time)
	s, err := Start(path, 200*time.Millisecond, ticks, WithNvidiaSMI(smi))
	if err != nil {
		t.Fatal(err)
	}
	ticks <- time.Now()
	sum, err := s.Stop()
	if err != nil {
		t.Fatal(err)
	}
	recs := readRecords(t, path)
	if len(recs) != 3 {
		t.Fatalf("records %+v", recs)
	}
	for _, r := range recs {
		if len(r.GPUs) != 2 || r.GPUs[0].Name != "NVIDIA H200" || *r.GPUs[0].UtilizationPercent != 37 || r.GPUs[1].UtilizationPercent != nil {
			t.Errorf("gpus %+v", r.GPUs)
		}
	}
	if len(sum.GPUs) != 2 || sum.GPUs[0].MeanUtilizationPercent != 37 || sum.GPUs[1].PeakMemoryUsedBytes != 2048<<20 || len(sum.Unavailable) > 1 {
		t.Errorf("summary %+v", sum)
	}
}

func TestSamplerGPUUnavailable(t *testing.T) {
	cases := []struct {
		name, script, reason string
	}{
		{"driver missing", "echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\"; exit 9\n", "couldn't communicate"},
		{"no GPU", "exit 0\n", "lists no GPU"},
		{"garbage", "echo hello\n", "unexpected nvidia-smi line"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "system.ndjson")
			s, err := Start(path, time.Second, make(chan time.Time), WithNvidiaSMI(fakeNvidiaSMI(t, c.script)))
			if err != nil {
				t.Fatal(err)
			}
			sum, err := s.Stop()
			if err != nil || !strings.Contains(sum.Unavailable[ProbeGPU], c.reason) {
				t.Errorf("unavailable %v (%v), want %q", sum.Unavailable, err, c.reason)
			}
		})
	}
}

func TestSamplerWithoutTheProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "system.ndjson")
	ticks := make(chan time.Time)
	s, err := Start(path, time.Second, ticks, WithNvidiaSMI(""), WithPID(1<<30))
	if err != nil {
		t.Fatal(err)
	}
	ticks <- time.Now()
	sum, err := s.Stop()
	if err != nil {
		t.Fatal(err)
	}
	recs := readRecords(t, path)
	unavailable := 0
	for _, r := range recs {
		if r.Type == TypeUnavailable {
			unavailable++
		} else if r.Process != nil {
			t.Errorf("a sample of a missing process: %+v", r)
		}
	}
	if unavailable != 2 || sum.Samples != 3 || sum.Unavailable[ProbeProcess] == "" {
		t.Errorf("%d unavailable records, summary %+v", unavailable, sum)
	}
	if _, err := s.Span().End(); err == nil {
		t.Error("a span without the process probe has figures")
	}
}

func TestStartNeedsAnInterval(t *testing.T) {
	if _, err := Start(filepath.Join(t.TempDir(), "x"), 0, nil); err == nil {
		t.Error("a zero interval without ticks was accepted")
	}
	if _, err := Start(filepath.Join(t.TempDir(), "missing", "x"), time.Second, nil); err == nil {
		t.Error("a file in a missing directory was accepted")
	}
}
