package sysmetrics

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// gpuQuery is what nvidia-smi is asked for, one CSV line per GPU.
var gpuQuery = []string{"--query-gpu=index,name,utilization.gpu,memory.used,memory.total", "--format=csv,noheader,nounits"}

// gpuProbe follows the GPUs through one long-lived `nvidia-smi -l SECONDS`
// process, so that sampling costs no process start; its latest line for each
// GPU is the reading.
type gpuProbe struct {
	cmd *exec.Cmd

	mu     sync.Mutex
	latest map[int]GPU
	// ended is set once the process stopped printing.
	ended error
	done  chan struct{}
}

// startGPU queries the GPUs once with the nvidia-smi at path, which tells
// whether there are any and a driver to talk to, then starts it in a loop
// printing every interval (rounded up to whole seconds, as nvidia-smi counts).
func startGPU(path string, interval time.Duration) (*gpuProbe, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	once := exec.CommandContext(ctx, path, gpuQuery...)
	once.Stderr = &stderr
	out, err := once.Output()
	if err != nil {
		msg := firstLine(string(out) + stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("%s: %s", path, msg)
	}
	g := &gpuProbe{latest: map[int]GPU{}, done: make(chan struct{})}
	if err := g.consume(bytes.NewReader(out)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(g.latest) == 0 {
		return nil, fmt.Errorf("%s lists no GPU", path)
	}
	secs := max(int(math.Ceil(interval.Seconds())), 1)
	g.cmd = exec.Command(path, append(gpuQuery, "-l", strconv.Itoa(secs))...)
	stdout, err := g.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("starting %s: %w", path, err)
	}
	if err := g.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", path, err)
	}
	go func() {
		defer close(g.done)
		err := g.consume(stdout)
		werr := g.cmd.Wait()
		g.mu.Lock()
		defer g.mu.Unlock()
		switch {
		case err != nil:
			g.ended = err
		case werr != nil:
			g.ended = fmt.Errorf("%s stopped: %w", path, werr)
		default:
			g.ended = fmt.Errorf("%s stopped", path)
		}
	}()
	return g, nil
}

// consume reads CSV lines, keeping each GPU's latest.
func (g *gpuProbe) consume(r io.Reader) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		gpu, err := parseGPULine(line)
		if err != nil {
			return err
		}
		g.mu.Lock()
		g.latest[gpu.Index] = gpu
		g.mu.Unlock()
	}
	return sc.Err()
}

// pid is the looping nvidia-smi's process id, left out of the process tree.
func (g *gpuProbe) pid() int32 { return int32(g.cmd.Process.Pid) }

// readings returns each GPU's latest reading, by index, and why the probe
// stopped if it did.
func (g *gpuProbe) readings() ([]GPU, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]GPU, 0, len(g.latest))
	for _, r := range g.latest {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out, g.ended
}

// stop ends the looping process and waits for it.
func (g *gpuProbe) stop() {
	_ = g.cmd.Process.Kill()
	<-g.done
}

// parseGPULine parses "0, NVIDIA H200, 37, 1024, 143771": index, name,
// utilization (%), memory used and total (MiB). A value nvidia-smi cannot
// give ("[N/A]", "[Not Supported]") is left out.
func parseGPULine(line string) (GPU, error) {
	f := strings.Split(line, ",")
	if len(f) < 5 {
		return GPU{}, fmt.Errorf("unexpected nvidia-smi line %q: want index, name, utilization, memory used, memory total", line)
	}
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	n := len(f)
	idx, err := strconv.Atoi(f[0])
	if err != nil {
		return GPU{}, fmt.Errorf("unexpected nvidia-smi line %q: index %q", line, f[0])
	}
	g := GPU{Index: idx, Name: strings.Join(f[1:n-3], ",")}
	if v, ok := optionalNumber(f[n-3]); ok {
		g.UtilizationPercent = &v
	}
	const mib = 1 << 20
	if v, ok := optionalNumber(f[n-2]); ok {
		b := int64(v * mib)
		g.MemoryUsedBytes = &b
	}
	if v, ok := optionalNumber(f[n-1]); ok {
		b := int64(v * mib)
		g.MemoryTotalBytes = &b
	}
	return g, nil
}

// optionalNumber parses a number, reporting false for nvidia-smi's "[N/A]" and the like.
func optionalNumber(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// firstLine returns the first non-empty line of s, trimmed.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

// errNoNvidiaSMI is the reason given when the driver's tool is absent.
var errNoNvidiaSMI = errors.New("nvidia-smi is not on PATH (no NVIDIA GPU or driver here)")
