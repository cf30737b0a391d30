// Command train measures training throughput of the train stage's engine:
// tokens per CPU-second and peak RSS for the three model sizes of the GoMLX
// notes, with the project's DotGeneral gradient or GoMLX v0.26.0's stock one.
//
// Without -size it runs every size and gradient in a child process each (so
// peak RSS is per configuration) and prints a table with the ratios:
//
//	go run ./bench/train                # all sizes, ours and stock
//	go run ./bench/train -size mid -grad stock -steps 2
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
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
	Size, Grad          string
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
func measure(name, gradKind string, steps int) (*result, error) {
	sz, ok := sizes[name]
	if !ok {
		return nil, fmt.Errorf("unknown size %q", name)
	}
	if gradKind == "ours" {
		grad.Install()
	}
	b, err := backend.Open("go")
	if err != nil {
		return nil, err
	}
	specs := sz.cfg.Params()
	trainable := make([]bool, len(specs))
	for i := range trainable {
		trainable[i] = true
	}
	tr, err := engine.New(b, models.Net{Config: sz.cfg, DType: dtypes.Float32}, specs, trainable, engine.DefaultHyper(),
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
	cpu0, wall0 := cpuSeconds(), time.Now()
	for s := 1; s <= steps; s++ {
		if err := step(s); err != nil {
			return nil, err
		}
	}
	res := &result{Size: name, Grad: gradKind, Params: models.CountParams(specs), Steps: steps,
		Tokens: int64(steps * sz.batch * sz.cfg.SeqLen), CPUSeconds: cpuSeconds() - cpu0, WallSec: time.Since(wall0).Seconds(),
		PeakRSSMB: peakRSSMB()}
	return res, nil
}

func main() {
	sizeFlag := flag.String("size", "", "small, mid or large (default: all, each in a child process)")
	gradFlag := flag.String("grad", "ours", "ours or stock")
	steps := flag.Int("steps", 0, "timed steps (default: 20 small, 4 mid, 2 large; stock: 2)")
	skipStockLarge := flag.Bool("skip-stock-large", true, "do not run the large model with stock gradients (minutes per step)")
	flag.Parse()
	if *sizeFlag != "" {
		res, err := measure(*sizeFlag, *gradFlag, *steps)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		_ = json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	defaults := map[string]int{"small": 20, "mid": 4, "large": 2}
	fmt.Printf("%-6s %8s %-6s %6s %12s %12s %10s\n", "size", "params", "grad", "steps", "tok/CPU-s", "CPU-s/step", "peak MB")
	perf := map[string]map[string]float64{}
	for _, name := range []string{"small", "mid", "large"} {
		perf[name] = map[string]float64{}
		for _, g := range []string{"ours", "stock"} {
			if g == "stock" && name == "large" && *skipStockLarge {
				continue
			}
			n := *steps
			if n == 0 {
				n = defaults[name]
				if g == "stock" {
					n = 2
				}
			}
			out, err := exec.Command(os.Args[0], "-size", name, "-grad", g, "-steps", fmt.Sprint(n)).Output()
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s/%s: %v\n", name, g, err)
				os.Exit(1)
			}
			var r result
			if err := json.Unmarshal(out, &r); err != nil {
				fmt.Fprintf(os.Stderr, "%s/%s: %v: %s\n", name, g, err, out)
				os.Exit(1)
			}
			tps := float64(r.Tokens) / r.CPUSeconds
			perf[name][g] = tps
			fmt.Printf("%-6s %8d %-6s %6d %12.0f %12.2f %10.0f\n", name, r.Params, g, r.Steps, tps, r.CPUSeconds/float64(r.Steps), r.PeakRSSMB)
		}
	}
	for _, name := range []string{"small", "mid", "large"} {
		if s := perf[name]["stock"]; s > 0 {
			fmt.Printf("%s: ours / stock = %.1fx tokens per CPU-second\n", name, perf[name]["ours"]/s)
		}
	}
}
