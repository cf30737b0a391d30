package hf_test

import (
	"flag"
	"syscall"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/mlpipe/pipeline/stages/train/backend"
	"github.com/mlpipe/pipeline/stages/train/engine"
	"github.com/mlpipe/pipeline/stages/train/grad"
	"github.com/mlpipe/pipeline/stages/train/hf"
	"github.com/mlpipe/pipeline/stages/train/models"
)

// benchBackend is the backend the MiniLM benchmarks run on (xla:cpu needs
// a binary built with -tags xla and a PJRT CPU plugin).
var benchBackend = flag.String("backend", backend.Default, "backend of the MiniLM benchmarks: go, xla:cpu, ...")

// Batch shape of the MiniLM benchmarks; bench/hf/run.sh gives PyTorch the same.
const benchRows, benchSeq = 8, 64

func cpuSeconds() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// benchBatch is a fixed batch of ids below the vocabulary size.
func benchBatch(vocab int) *engine.Batch {
	b := &engine.Batch{Rows: benchRows, Len: benchSeq, IDs: make([]int32, benchRows*benchSeq), Mask: make([]float32, benchRows*benchSeq),
		Targets: make([]int32, benchRows), Weights: make([]float32, benchRows)}
	for i := range b.IDs {
		b.IDs[i], b.Mask[i] = int32(1000+(i*7919)%(vocab-1000)), 1
	}
	for r := range benchRows {
		b.Targets[r], b.Weights[r] = int32(r%2), 1
	}
	return b
}

func openMiniLM(b *testing.B, net hf.Net) (*hf.Model, []models.ParamSpec, [][]float32, hf.Net) {
	if *miniLMDir == "" {
		b.Skip("needs -minilm-dir (scripts/hf/get_minilm.sh makes one; bench/hf/run.sh runs this beside PyTorch)")
	}
	m, err := hf.Open(*miniLMDir)
	if err != nil {
		b.Fatal(err)
	}
	net.Config = m.Config
	specs := net.Params()
	head := len(m.Config.BaseParams())
	values, err := m.Values(specs, func(name string) bool { return specIndex(specs, name) >= head })
	if err != nil {
		b.Fatal(err)
	}
	for i, v := range values {
		if v == nil {
			values[i] = models.InitValues(specs[i], 1)
		}
	}
	return m, specs, values, net
}

func specIndex(specs []models.ParamSpec, name string) int {
	for i, s := range specs {
		if s.Name == name {
			return i
		}
	}
	return -1
}

// BenchmarkMiniLMForward is all-MiniLM-L6-v2's embedding forward pass.
func BenchmarkMiniLMForward(b *testing.B) {
	m, specs, values, net := openMiniLM(b, hf.Net{Output: hf.Embedding})
	defer m.Close()
	be, err := backend.Open(*benchBackend)
	if err != nil {
		b.Fatal(err)
	}
	p, err := engine.NewPredictor(be, net, specs, values)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	batch := benchBatch(m.Config.VocabSize)
	if _, _, err := p.Run(batch.IDs, batch.Mask, benchRows, benchSeq); err != nil { // compile
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu := cpuSeconds()
	for b.Loop() {
		if _, _, err := p.Run(batch.IDs, batch.Mask, benchRows, benchSeq); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*benchRows*benchSeq)/(cpuSeconds()-cpu), "tokens/CPU-s")
}

// BenchmarkMiniLMLoRAStep is one optimizer step of a LoRA fine-tune
// (rank 8 on query and value) of a mean-pooled classifier on MiniLM.
func BenchmarkMiniLMLoRAStep(b *testing.B) {
	m, specs, values, net := openMiniLM(b, hf.Net{Classes: 2, Pooling: hf.PoolMean})
	defer m.Close()
	l := &hf.LoRA{Rank: 8, Alpha: 16, Targets: []string{"query", "value"}}
	ad, err := l.Params(m.Config, m.Config.BaseParams())
	if err != nil {
		b.Fatal(err)
	}
	net.LoRA = l
	head := len(m.Config.BaseParams())
	trainable := make([]bool, len(specs)+len(ad))
	for i := range trainable {
		trainable[i] = i >= head
	}
	specs, values = append(specs, ad...), append(values, models.InitAll(ad, 1)...)
	grad.Install()
	be, err := backend.Open(*benchBackend)
	if err != nil {
		b.Fatal(err)
	}
	tr, err := engine.New(be, net, specs, trainable, engine.DefaultHyper(), &engine.State{Params: values})
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	batch := benchBatch(m.Config.VocabSize)
	step := func(i int) {
		if _, _, err := tr.TrainStep([]*engine.Batch{batch}, []*tensors.Tensor{engine.RNGState(1, int64(i))}, 1e-3); err != nil {
			b.Fatal(err)
		}
	}
	step(0) // compile
	b.ResetTimer()
	cpu := cpuSeconds()
	i := 1
	for b.Loop() {
		step(i)
		i++
	}
	b.ReportMetric(float64(b.N*benchRows*benchSeq)/(cpuSeconds()-cpu), "tokens/CPU-s")
}
