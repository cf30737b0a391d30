package axisops

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/mlpipe/pipeline/stages/train/models"
)

func newSimpleGo(t testing.TB) backends.Backend {
	t.Helper()
	b, err := backends.NewWithConfig(simplego.BackendName + ":ops_sequential")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func tensor(r *rand.Rand, dims ...int) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(randomValues(r, size(dims)), dims...)
}

// graphCase is a graph over float32 inputs of the given shapes.
type graphCase struct {
	name   string
	inputs [][]int
	build  func(in []*graph.Node) []*graph.Node
}

var graphCases = []graphCase{
	{"bias", [][]int{{4, 5, 6}, {1, 1, 6}}, func(in []*graph.Node) []*graph.Node {
		return []*graph.Node{graph.Add(in[0], in[1]), graph.Sub(in[1], in[0]), graph.Mul(in[0], in[1]), graph.Div(in[1], in[0])}
	}},
	{"rows", [][]int{{4, 5, 6}, {4, 5, 1}}, func(in []*graph.Node) []*graph.Node {
		return []*graph.Node{graph.Sub(in[0], in[1]), graph.Div(in[0], in[1]), graph.Add(in[1], in[0])}
	}},
	{"attention-bias", [][]int{{2, 3, 7, 7}, {1, 1, 7, 7}, {2, 1, 1, 7}}, func(in []*graph.Node) []*graph.Node {
		return []*graph.Node{graph.Add(graph.Add(in[0], in[1]), in[2]), graph.Mul(in[1], in[2])}
	}},
	{"reductions", [][]int{{3, 4, 5, 6}}, func(in []*graph.Node) []*graph.Node {
		return []*graph.Node{graph.ReduceSum(in[0], -1), graph.ReduceSum(in[0], 0, 1), graph.ReduceSum(in[0], 1, 3),
			graph.ReduceMax(in[0], -1), graph.ReduceMax(in[0], 0, 2), graph.ReduceAllSum(in[0])}
	}},
	{"broadcast", [][]int{{5, 6}, {6}}, func(in []*graph.Node) []*graph.Node {
		return []*graph.Node{graph.BroadcastToDims(graph.ExpandAxes(in[0], 1), 5, 4, 6), graph.BroadcastPrefix(in[1], 3, 2),
			graph.BroadcastToDims(graph.ExpandAxes(in[1], 0), 2, 6)}
	}},
}

// run executes c on b with inputs drawn from seed and returns its outputs' data.
func run(t testing.TB, b backends.Backend, c graphCase, seed uint64) [][]float32 {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 9))
	args := make([]any, len(c.inputs))
	for i, dims := range c.inputs {
		args[i] = tensor(r, dims...)
	}
	exec, err := graph.NewExec(b, func(in []*graph.Node) []*graph.Node { return c.build(in) })
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	defer exec.Finalize()
	outs, err := exec.Exec(args...)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	var data [][]float32
	for _, o := range outs {
		data = append(data, append([]float32(nil), tensors.MustCopyFlatData[float32](o)...))
	}
	return data
}

// useStock puts SimpleGo's own executors back until the test ends.
func useStock(t *testing.T) {
	uninstall()
	t.Cleanup(func() {
		if err := install(); err != nil {
			t.Error(err)
		}
	})
}

// TestInstalledKeepsSimpleGoBits: graphs of broadcasting ops and reductions
// give the same bits with this package's executors as with SimpleGo's.
func TestInstalledKeepsSimpleGoBits(t *testing.T) {
	useStock(t)
	b := newSimpleGo(t)
	defer b.Finalize()
	stockOut := make([][][]float32, len(graphCases))
	for i, c := range graphCases {
		stockOut[i] = run(t, b, c, uint64(i))
	}
	if err := install(); err != nil {
		t.Fatal(err)
	}
	for i, c := range graphCases {
		got := run(t, b, c, uint64(i))
		for j := range got {
			if k, ok := sameBitsBut(got[j], stockOut[i][j], c.name == "reductions"); !ok {
				t.Errorf("%s output %d: element %d is %v, SimpleGo's %v", c.name, j, k, got[j][k], stockOut[i][j][k])
			}
		}
	}
}

// TestTransformerGradientKeepsSimpleGoBits: a language model's loss and the
// gradient of every parameter, whose backward pass is full of broadcasts and
// reductions, are bit for bit SimpleGo's.
func TestTransformerGradientKeepsSimpleGoBits(t *testing.T) {
	cfg := models.Config{Type: models.TransformerLM, VocabSize: 11, DModel: 16, Layers: 2, Heads: 2, SeqLen: 8}.WithDefaults()
	cfg.Dropout = 0
	specs := cfg.Params()
	values := models.InitAll(specs, 3)
	const rows = 3
	ids, targets, mask := make([]int32, rows*cfg.SeqLen), make([]int32, rows*cfg.SeqLen), make([]float32, rows*cfg.SeqLen)
	r := rand.New(rand.NewPCG(4, 5))
	for i := range ids {
		ids[i], targets[i], mask[i] = int32(r.IntN(cfg.VocabSize)), int32(r.IntN(cfg.VocabSize)), 1
	}
	mask[len(mask)-1] = 0
	args := []any{tensors.FromFlatDataAndDimensions(ids, rows, cfg.SeqLen), tensors.FromFlatDataAndDimensions(targets, rows, cfg.SeqLen),
		tensors.FromFlatDataAndDimensions(mask, rows, cfg.SeqLen)}
	for i, s := range specs {
		args = append(args, tensors.FromFlatDataAndDimensions(values[i], s.Dims...))
	}
	step := func(in []*graph.Node) []*graph.Node {
		w := models.Weights{}
		for i, s := range specs {
			w[s.Name] = in[3+i]
		}
		logits, _ := models.Net{Config: cfg, DType: dtypes.Float32}.Forward(w, in[0], in[2], nil)
		loss, _ := models.WeightedLoss(models.NLL(logits, in[1]), in[2])
		return append([]*graph.Node{loss}, graph.Gradient(loss, in[3:]...)...)
	}
	compute := func(b backends.Backend) [][]float32 {
		exec, err := graph.NewExec(b, step)
		if err != nil {
			t.Fatal(err)
		}
		defer exec.Finalize()
		outs, err := exec.Exec(args...)
		if err != nil {
			t.Fatal(err)
		}
		var data [][]float32
		for _, o := range outs {
			data = append(data, append([]float32(nil), tensors.MustCopyFlatData[float32](o)...))
		}
		return data
	}
	useStock(t)
	b := newSimpleGo(t)
	defer b.Finalize()
	want := compute(b)
	if err := install(); err != nil {
		t.Fatal(err)
	}
	got := compute(b)
	for i := range got {
		name := "loss"
		if i > 0 {
			name = specs[i-1].Name
		}
		if k, ok := sameBits(got[i], want[i]); !ok {
			t.Errorf("%s: element %d is %v, SimpleGo's %v", name, k, got[i][k], want[i][k])
		}
	}
}

// TestInstall: on the GoMLX release this was written for, Install replaces
// SimpleGo's executors.
func TestInstall(t *testing.T) {
	if err := Install(); err != nil {
		t.Fatal(err)
	}
	installMu.Lock()
	defer installMu.Unlock()
	if stock == nil {
		t.Fatal("Install returned no error but left SimpleGo's executors in place")
	}
}

// BenchmarkLayerNormGradient times a layer norm's forward and backward pass
// over [16, 64, 64] with SimpleGo's executors and with this package's.
func BenchmarkLayerNormGradient(b *testing.B) {
	layerNorm := func(in []*graph.Node) []*graph.Node {
		x, g := in[0], in[1]
		mean := graph.ReduceAndKeep(x, graph.ReduceMean, -1)
		centred := graph.Sub(x, mean)
		variance := graph.ReduceAndKeep(graph.Square(centred), graph.ReduceMean, -1)
		y := graph.Mul(graph.Div(centred, graph.Sqrt(graph.AddScalar(variance, 1e-5))), g)
		loss := graph.ReduceAllSum(graph.Mul(y, y))
		return append([]*graph.Node{loss}, graph.Gradient(loss, x, g)...)
	}
	r := rand.New(rand.NewPCG(1, 1))
	be := newSimpleGo(b)
	defer be.Finalize()
	for _, mode := range []string{"simplego", "axisops"} {
		b.Run(mode, func(b *testing.B) {
			uninstall()
			defer func() { _ = install() }()
			if mode == "axisops" {
				if err := install(); err != nil {
					b.Fatal(err)
				}
			}
			x, g := tensor(r, 16, 64, 64), tensor(r, 1, 1, 64)
			exec, err := graph.NewExec(be, layerNorm)
			if err != nil {
				b.Fatal(err)
			}
			defer exec.Finalize()
			for b.Loop() {
				outs, err := exec.Exec(x, g)
				if err != nil {
					b.Fatal(err)
				}
				for _, o := range outs {
					o.FinalizeAll()
				}
			}
		})
	}
}
