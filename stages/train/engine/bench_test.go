package engine

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/mlpipe/pipeline/stages/train/backend"
	"github.com/mlpipe/pipeline/stages/train/grad"
	"github.com/mlpipe/pipeline/stages/train/models"
)

// BenchmarkTrainStep times optimizer steps of the small language model of the
// GoMLX notes (d64, 2 layers, 2 heads, seq 64, batch 16) with the project's
// DotGeneral gradient and with GoMLX's stock one, and reports tokens/s.
// bench/train runs all three sizes and reports tokens per CPU-second.
func BenchmarkTrainStep(b *testing.B) {
	cfg := models.Config{Type: models.TransformerLM, VocabSize: 256, DModel: 64, Layers: 2, Heads: 2, DFF: 256, SeqLen: 64}
	const rows = 16
	for _, g := range []string{"ours", "stock"} {
		b.Run(g, func(b *testing.B) {
			if g == "ours" {
				grad.Install()
			} else {
				grad.Uninstall()
				defer grad.Install()
			}
			be, err := backend.Open("go")
			if err != nil {
				b.Fatal(err)
			}
			specs := cfg.Params()
			trainable := make([]bool, len(specs))
			for i := range trainable {
				trainable[i] = true
			}
			tr, err := New(be, models.Net{Config: cfg, DType: dtypes.Float32}, specs, trainable, DefaultHyper(), &State{Params: models.InitAll(specs, 1)})
			if err != nil {
				b.Fatal(err)
			}
			defer tr.Close()
			r := rand.New(rand.NewPCG(1, 2))
			n := rows * cfg.SeqLen
			bt := &Batch{Rows: rows, Len: cfg.SeqLen, IDs: make([]int32, n), Mask: make([]float32, n), Targets: make([]int32, n), Weights: make([]float32, n)}
			for i := range n {
				bt.IDs[i], bt.Targets[i], bt.Mask[i], bt.Weights[i] = int32(r.IntN(256)), int32(r.IntN(256)), 1, 1
			}
			step := func(i int) {
				if _, _, err := tr.TrainStep([]*Batch{bt}, []*tensors.Tensor{RNGState(1, int64(i))}, 1e-3); err != nil {
					b.Fatal(err)
				}
			}
			step(0) // builds and compiles the graph
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				step(i + 1)
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}
