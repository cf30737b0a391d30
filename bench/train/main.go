// Command train measures training throughput of the train stage's engine:
// tokens per CPU-second and peak RSS for the three model sizes of the GoMLX
// notes, on each backend asked for (SimpleGo, and xla:cpu in a binary built
// with -tags xla), beside PyTorch running the same model (torch_lm.py), one
// thread each.
//
// Without -size it runs every configuration in a child process each (so peak
// RSS is per configuration) and prints a table with the ratios:
//
//	go run ./bench/train -torch python3                   # SimpleGo and PyTorch
//	go run -tags xla ./bench/train -backends go,xla:cpu -torch python3
//	go run ./bench/train -size mid -grad stock -steps 2   # one child
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/mlpipe/pipeline/stages/train/backend"
	"github.com/mlpipe/pipeline/stages/train/engine"
	"github.com/mlpipe/pipeline/stages/train/grad"
	"github.com/mlpipe/pipeline/stages/train/models"
)

// size is one benchmark configuration.
type size struct {
	cfg   models.Config
	batch int
}

var sizes = map[string]size{
	"small": {models.Config{Type: models.TransformerLM, VocabSize: 256, DModel: 64, Layers: 2, Heads: 2, DFF: 256, SeqLen: 64}, 16},
	"mid":   {models.Config{Type: models.TransformerLM, VocabSize: 256, DModel: 128, Layers: 4, Heads: 4, DFF: 512, SeqLen: 128}, 16},
	"large": {models.Config{Type: models.TransformerLM, VocabSize: 256, DModel: 256, Layers: 6, Heads: 8, DFF: 1024, SeqLen: 256}, 8},
}

// result is what one configuration measured.
type result struct {
	Size, Grad, Backend string
	Params              int64
	Steps               int
	Tokens              int64
	CPUSeconds, WallSec float64
	PeakRSSMB           float64
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func peakRSSMB() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Maxrss) / 1024
}

// measure trains one configuration: a warm-up step (graph build and compile),
// then steps timed steps.
func measure(name, gradKind, backendName string, dtype dtypes.DType, steps int, cpuProfile string) (*result, error) {
	sz, ok := sizes[name]
	if !ok {
		return nil, fmt.Errorf("unknown size %q", name)
	}
	if gradKind == "ours" {
		grad.Install()
	}
	b, err := backend.Open(backendName)
	if err != nil {
		return nil, err
	}
	specs := sz.cfg.Params()
	trainable := make([]bool, len(specs))
	for i := range trainable {
		trainable[i] = true
	}
	tr, err := engine.New(b, models.Net{Config: sz.cfg, DType: dtype}, specs, trainable, engine.DefaultHyper(),
		&engine.State{Params: models.InitAll(specs, 1)})
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	r := rand.New(rand.NewPCG(1, 2))
	batch := func() *engine.Batch {
		n := sz.batch * sz.cfg.SeqLen
		bt := &engine.Batch{Rows: sz.batch, Len: sz.cfg.SeqLen, IDs: make([]int32, n), Mask: make([]float32, n),
			Targets: make([]int32, n), Weights: make([]float32, n)}
		for i := range n {
			bt.IDs[i], bt.Targets[i], bt.Mask[i], bt.Weights[i] = int32(r.IntN(256)), int32(r.IntN(256)), 1, 1
		}
		return bt
	}
	step := func(s int) error {
		_, _, err := tr.TrainStep([]*engine.Batch{batch()}, []*tensors.Tensor{engine.RNGState(1, int64(s))}, 1e-3)
		return err
	}
	if err := step(0); err != nil {
		return nil, err
	}
	backend.ReleaseFreeMemory()
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	cpu0, wall0 := cpuSeconds(), time.Now()
	for s := 1; s <= steps; s++ {
		if err := step(s); err != nil {
			return nil, err
		}
	}
	res := &result{Size: name, Grad: gradKind, Backend: backendName, Params: models.CountParams(specs), Steps: steps,
		Tokens: int64(steps * sz.batch * sz.cfg.SeqLen), CPUSeconds: cpuSeconds() - cpu0, WallSec: time.Since(wall0).Seconds(),
		PeakRSSMB: peakRSSMB()}
	return res, nil
}

// singleThreaded is the environment of a child process: one Go thread, and
// XLA's CPU client without its Eigen thread pool (the child also pins itself
// to one CPU, which sizes XLA's other thread pools to one).
func singleThreaded() []string {
	return append(os.Environ(), "GOMAXPROCS=1",
		"XLA_FLAGS="+strings.TrimSpace(os.Getenv("XLA_FLAGS")+" --xla_cpu_multi_thread_eigen=false"))
}

// child runs one configuration in its own process and decodes its result.
func child(cmd *exec.Cmd) (*result, error) {
	cmd.Env = singleThreaded()
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%v: %w", cmd.Args, err)
	}
	var r result
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("%v: %w: %s", cmd.Args, err, out)
	}
	return &r, nil
}

// torchScript is the PyTorch side, beside this file in the repository.
func torchScript() string {
	_, file, _, _ := runtime.Caller(0)
	if p := filepath.Join(filepath.Dir(file), "torch_lm.py"); fileExists(p) {
		return p
	}
	return filepath.Join("bench", "train", "torch_lm.py")
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func main() {
	sizeFlag := flag.String("size", "", "small, mid or large (default: all, each in a child process)")
	gradFlag := flag.String("grad", "ours", "ours or stock")
	dtypeFlag := flag.String("dtype", "float32", "compute dtype of the engine's runs: float32 or bfloat16 (weights and optimizer state stay float32; PyTorch always runs float32)")
	backendFlag := flag.String("backend", backend.Default, "the backend of a single -size run")
	backendsFlag := flag.String("backends", backend.Default, "comma-separated backends to compare (xla:cpu needs -tags xla and a plugin)")
	sizesFlag := flag.String("sizes", "small,mid,large", "comma-separated sizes to run")
	torch := flag.String("torch", "", "a Python with torch installed: also run PyTorch on the same model and print the ratios")
	stock := flag.Bool("stock", false, "also run SimpleGo with GoMLX's stock DotGeneral gradient")
	steps := flag.Int("steps", 0, "timed steps (default: 20 small, 4 mid, 2 large; stock: 2)")
	skipStockLarge := flag.Bool("skip-stock-large", true, "do not run the large model with stock gradients (minutes per step)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of a single -size run's timed steps to this file")
	flag.Parse()
	if *sizeFlag != "" {
		if err := pinToOneCPU(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		dt, ok := map[string]dtypes.DType{"float32": dtypes.Float32, "bfloat16": dtypes.BFloat16}[*dtypeFlag]
		if !ok {
			fmt.Fprintf(os.Stderr, "-dtype %q: want float32 or bfloat16\n", *dtypeFlag)
			os.Exit(2)
		}
		res, err := measure(*sizeFlag, *gradFlag, *backendFlag, dt, *steps, *cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		_ = json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	defaults := map[string]int{"small": 20, "mid": 4, "large": 2}
	type config struct{ label, grad, backend string }
	var configs []config
	for _, b := range strings.Split(*backendsFlag, ",") {
		configs = append(configs, config{b, "ours", b})
	}
	if *stock {
		configs = append(configs, config{"go/stock", "stock", backend.Default})
	}
	fmt.Printf("%-6s %8s %-10s %6s %12s %12s %10s\n", "size", "params", "run", "steps", "tok/CPU-s", "CPU-s/step", "peak MB")
	for _, name := range strings.Split(*sizesFlag, ",") {
		perf := map[string]float64{}
		var order []string
		report := func(label string, r *result) {
			tps := float64(r.Tokens) / r.CPUSeconds
			perf[label] = tps
			order = append(order, label)
			fmt.Printf("%-6s %8d %-10s %6d %12.0f %12.2f %10.0f\n", name, r.Params, label, r.Steps, tps, r.CPUSeconds/float64(r.Steps), r.PeakRSSMB)
		}
		for _, c := range configs {
			if c.grad == "stock" && name == "large" && *skipStockLarge {
				continue
			}
			n := *steps
			if n == 0 {
				n = defaults[name]
				if c.grad == "stock" {
					n = 2
				}
			}
			r, err := child(exec.Command(os.Args[0], "-size", name, "-grad", c.grad, "-backend", c.backend, "-dtype", *dtypeFlag, "-steps", fmt.Sprint(n)))
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			report(c.label, r)
		}
		if *torch != "" {
			n := *steps
			if n == 0 {
				n = 2 * defaults[name]
			}
			r, err := child(exec.Command(*torch, torchScript(), name, fmt.Sprint(n)))
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			report("torch", r)
			for _, label := range order[:len(order)-1] {
				fmt.Printf("%s: %s / torch = %.3f tokens per CPU-second\n", name, label, perf[label]/perf["torch"])
			}
		}
		if s := perf["go/stock"]; s > 0 {
			fmt.Printf("%s: go / go-stock = %.1fx tokens per CPU-second\n", name, perf["go"]/s)
		}
	}
}
