package engine

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/mlpipe/pipeline/stages/train/backend"
	"github.com/mlpipe/pipeline/stages/train/grad"
	"github.com/mlpipe/pipeline/stages/train/models"
)

// toyBatch makes a batch where the class is whether token 1 occurs more often than token 2,
// or, for a language model, a repeating pattern.
func toyBatch(r *rand.Rand, cfg models.Config, rows, length int) *Batch {
	b := &Batch{Rows: rows, Len: length, IDs: make([]int32, rows*length), Mask: make([]float32, rows*length)}
	for i := range rows {
		n := length/2 + r.IntN(length/2+1)
		for j := range n {
			b.IDs[i*length+j] = int32(r.IntN(cfg.VocabSize))
			if cfg.Type == models.TransformerLM {
				b.IDs[i*length+j] = int32((i + j) % 5)
			}
			b.Mask[i*length+j] = 1
		}
	}
	if cfg.IsClassifier() {
		b.Targets, b.Weights = make([]int32, rows), make([]float32, rows)
		for i := range rows {
			c := 0
			for j := range length {
				switch b.IDs[i*length+j] {
				case 1:
					c++
				case 2:
					c--
				}
			}
			if c > 0 {
				b.Targets[i] = 1
			}
			b.Weights[i] = 1
		}
		return b
	}
	b.Targets, b.Weights = make([]int32, rows*length), make([]float32, rows*length)
	for i := range rows {
		for j := 0; j+1 < length; j++ {
			if b.Mask[i*length+j+1] != 0 {
				b.Targets[i*length+j] = b.IDs[i*length+j+1]
				b.Weights[i*length+j] = 1
			}
		}
	}
	return b
}

func tinyConfig(typ string) models.Config {
	c := models.Config{Type: typ, VocabSize: 12, DModel: 16, SeqLen: 8, Layers: 1, Heads: 2, Dropout: 0.1, NumClasses: 2}
	return c.WithDefaults()
}

// run trains cfg for steps steps from seed and returns the losses and final state.
func run(t *testing.T, cfg models.Config, accum, steps int, seed int64) ([]float64, *State) {
	t.Helper()
	grad.Install()
	b, err := backend.Open("go")
	if err != nil {
		t.Fatal(err)
	}
	specs := cfg.Params()
	trainable := make([]bool, len(specs))
	for i := range trainable {
		trainable[i] = true
	}
	h := DefaultHyper()
	h.GradAccum, h.ClipNorm = accum, 1
	tr, err := New(b, models.Net{Config: cfg, DType: dtypes.Float32}, specs, trainable, h, &State{Params: models.InitAll(specs, seed)})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	r := rand.New(rand.NewPCG(uint64(seed), 3))
	sched := Schedule{Peak: 1e-2, Warmup: 2, Total: int64(steps), Kind: "cosine"}
	var losses []float64
	for s := range steps {
		micro := make([]*Batch, accum)
		rngs := make([]*tensors.Tensor, accum)
		for i := range micro {
			micro[i] = toyBatch(r, cfg, 8, cfg.SeqLen)
			rngs[i] = RNGState(seed, int64(s*accum+i))
		}
		loss, norm, err := tr.TrainStep(micro, rngs, sched.At(int64(s)))
		if err != nil {
			t.Fatal(err)
		}
		if math.IsNaN(loss) || math.IsNaN(norm) {
			t.Fatalf("step %d: loss %v, gradient norm %v", s, loss, norm)
		}
		losses = append(losses, loss)
	}
	return losses, tr.State()
}

func TestTrainingLearnsAndIsDeterministic(t *testing.T) {
	tests := []struct {
		typ   string
		accum int
		steps int
	}{
		{models.BagOfTokens, 1, 40},
		{models.TransformerClassifier, 2, 12},
		{models.TransformerLM, 1, 30},
	}
	for _, tc := range tests {
		t.Run(tc.typ, func(t *testing.T) {
			cfg := tinyConfig(tc.typ)
			losses, s1 := run(t, cfg, tc.accum, tc.steps, 7)
			first, last := mean(losses[:3]), mean(losses[len(losses)-3:])
			if tc.typ != models.TransformerClassifier && !(last < first) {
				t.Errorf("loss did not decrease: first steps %.4f, last steps %.4f", first, last)
			}
			// A second run, on one proc, must give the same bits.
			prev := runtime.GOMAXPROCS(1)
			_, s2 := run(t, cfg, tc.accum, tc.steps, 7)
			runtime.GOMAXPROCS(prev)
			for i := range s1.Params {
				for j := range s1.Params[i] {
					if math.Float32bits(s1.Params[i][j]) != math.Float32bits(s2.Params[i][j]) {
						t.Fatalf("parameter %d value %d differs between two runs: %v vs %v", i, j, s1.Params[i][j], s2.Params[i][j])
					}
				}
			}
			if s1.Step != int64(tc.steps) {
				t.Errorf("Step = %d, want %d", s1.Step, tc.steps)
			}
		})
	}
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func TestSchedule(t *testing.T) {
	s := Schedule{Peak: 1, Warmup: 4, Total: 14, Kind: "cosine"}
	tests := []struct {
		step int64
		want float64
	}{{0, 0.25}, {3, 1}, {4, 1}, {9, 0.5}, {14, 0}, {20, 0}}
	for _, tc := range tests {
		if got := s.At(tc.step); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("At(%d) = %v, want %v", tc.step, got, tc.want)
		}
	}
	c := Schedule{Peak: 0.5, Kind: "constant", Total: 10}
	if c.At(7) != 0.5 {
		t.Errorf("constant At(7) = %v", c.At(7))
	}
}
