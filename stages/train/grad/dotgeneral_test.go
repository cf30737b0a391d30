package grad

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/backends"
	_ "github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

func newBackend(t testing.TB) backends.Backend {
	t.Helper()
	b, err := backends.NewWithConfig("go:ops_sequential")
	if err != nil {
		t.Fatalf("creating SimpleGo backend: %v", err)
	}
	return b
}

func randTensor(r *rand.Rand, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	data := make([]float64, n)
	for i := range data {
		data[i] = r.NormFloat64()
	}
	return tensors.FromFlatDataAndDimensions(data, dims...)
}

// dotCase is one DotGeneral configuration: operand shapes and axes.
type dotCase struct {
	name                  string
	lhsDims, rhsDims      []int
	lhsContract, lhsBatch []int
	rhsContract, rhsBatch []int
	useDot                bool
}

var dotCases = []dotCase{
	{name: "matmul", lhsDims: []int{3, 4}, rhsDims: []int{4, 5}, lhsContract: []int{1}, rhsContract: []int{0}},
	{name: "matmul-transposed-rhs", lhsDims: []int{3, 4}, rhsDims: []int{5, 4}, lhsContract: []int{1}, rhsContract: []int{1}},
	{name: "matmul-transposed-lhs", lhsDims: []int{4, 3}, rhsDims: []int{4, 5}, lhsContract: []int{0}, rhsContract: []int{0}},
	{name: "batched", lhsDims: []int{2, 3, 4}, rhsDims: []int{2, 4, 5}, lhsContract: []int{2}, lhsBatch: []int{0}, rhsContract: []int{1}, rhsBatch: []int{0}},
	{name: "dense-rank3", lhsDims: []int{2, 3, 4}, rhsDims: []int{4, 6}, lhsContract: []int{2}, rhsContract: []int{0}},
	{name: "attention-scores", lhsDims: []int{2, 5, 3, 4}, rhsDims: []int{2, 6, 3, 4}, lhsContract: []int{3}, lhsBatch: []int{0, 2}, rhsContract: []int{3}, rhsBatch: []int{0, 2}},
	{name: "attention-values", lhsDims: []int{2, 3, 5, 6}, rhsDims: []int{2, 6, 3, 4}, lhsContract: []int{3}, lhsBatch: []int{0, 1}, rhsContract: []int{1}, rhsBatch: []int{0, 2}},
	{name: "two-contracting-swapped", lhsDims: []int{3, 4, 5}, rhsDims: []int{5, 2, 4}, lhsContract: []int{1, 2}, rhsContract: []int{2, 0}},
	{name: "outer", lhsDims: []int{3}, rhsDims: []int{4}},
	{name: "batch-not-leading", lhsDims: []int{4, 2, 3}, rhsDims: []int{3, 5, 2}, lhsContract: []int{2}, lhsBatch: []int{1}, rhsContract: []int{0}, rhsBatch: []int{2}},
	{name: "dot-matmul", lhsDims: []int{3, 4}, rhsDims: []int{4, 5}, useDot: true},
	{name: "dot-matvec", lhsDims: []int{3, 4}, rhsDims: []int{4}, useDot: true},
	{name: "dot-vecvec", lhsDims: []int{4}, rhsDims: []int{4}, useDot: true},
}

// gradients returns d(sum(out*w))/d lhs and /d rhs for the case, with the
// currently registered gradients.
func gradients(t *testing.T, b backends.Backend, c dotCase, lhs, rhs *tensors.Tensor, seed uint64) ([]float64, []float64) {
	t.Helper()
	exec, err := graph.NewExec(b, func(l, r *graph.Node) (*graph.Node, *graph.Node) {
		var out *graph.Node
		if c.useDot {
			out = graph.Dot(l, r)
		} else {
			out = graph.DotGeneral(l, c.lhsContract, c.lhsBatch, r, c.rhsContract, c.rhsBatch)
		}
		w := graph.Const(l.Graph(), randTensor(rand.New(rand.NewPCG(seed, 1)), out.Shape().Dimensions...))
		if out.Rank() == 0 {
			w = graph.Const(l.Graph(), 1.5)
		}
		loss := graph.ReduceAllSum(graph.Mul(out, w))
		g := graph.Gradient(loss, l, r)
		return g[0], g[1]
	})
	if err != nil {
		t.Fatalf("%s: building exec: %v", c.name, err)
	}
	defer exec.Finalize()
	outs, err := exec.Exec(lhs, rhs)
	if err != nil {
		t.Fatalf("%s: executing: %v", c.name, err)
	}
	return tensors.MustCopyFlatData[float64](outs[0]), tensors.MustCopyFlatData[float64](outs[1])
}

func TestDotGeneralVJPMatchesStock(t *testing.T) {
	b := newBackend(t)
	defer Uninstall()
	for i, c := range dotCases {
		t.Run(c.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(i), 7))
			lhs, rhs := randTensor(r, c.lhsDims...), randTensor(r, c.rhsDims...)
			Uninstall()
			wantL, wantR := gradients(t, b, c, lhs, rhs, uint64(i))
			Install()
			gotL, gotR := gradients(t, b, c, lhs, rhs, uint64(i))
			for name, pair := range map[string][2][]float64{"lhs": {wantL, gotL}, "rhs": {wantR, gotR}} {
				want, got := pair[0], pair[1]
				if len(want) != len(got) {
					t.Fatalf("%s gradient: %d values, stock has %d", name, len(got), len(want))
				}
				for j := range want {
					if math.Abs(want[j]-got[j]) > 1e-9*(1+math.Abs(want[j])) {
						t.Fatalf("%s gradient[%d] = %v, stock gives %v", name, j, got[j], want[j])
					}
				}
			}
		})
	}
}

func TestAxesOf(t *testing.T) {
	b := newBackend(t)
	var got DotGeneralAxes
	exec, err := graph.NewExec(b, func(l, r *graph.Node) *graph.Node {
		out := graph.DotGeneral(l, []int{2}, []int{0}, r, []int{1}, []int{0})
		got = AxesOf(out)
		return out
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	r := rand.New(rand.NewPCG(1, 2))
	if _, err := exec.Exec(randTensor(r, 2, 3, 4), randTensor(r, 2, 4, 5)); err != nil {
		t.Fatal(err)
	}
	want := DotGeneralAxes{LHSContracting: []int{2}, LHSBatch: []int{0}, RHSContracting: []int{1}, RHSBatch: []int{0}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("AxesOf = %v, want %v", got, want)
	}
}

func TestInstallIsReversible(t *testing.T) {
	before := fmt.Sprintf("%p", graph.VJPRegistration[graph.NodeTypeDotGeneral])
	Install()
	Install()
	if !Installed() {
		t.Fatal("Installed() = false after Install")
	}
	if fmt.Sprintf("%p", graph.VJPRegistration[graph.NodeTypeDotGeneral]) == before {
		t.Fatal("Install did not change the DotGeneral gradient")
	}
	Uninstall()
	if Installed() || fmt.Sprintf("%p", graph.VJPRegistration[graph.NodeTypeDotGeneral]) != before {
		t.Fatal("Uninstall did not restore the stock gradient")
	}
}
