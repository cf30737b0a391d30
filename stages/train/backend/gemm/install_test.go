package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// dotCase is one DotGeneral: operand shapes and axes.
type dotCase struct {
	name                  string
	lhsDims, rhsDims      []int
	lhsContract, lhsBatch []int
	rhsContract, rhsBatch []int
}

// dotCases cover both of SimpleGo's paths: the normalized one (at most
// 16 blocks of output per batch element) and the blocked one.
var dotCases = []dotCase{
	{name: "small-matmul", lhsDims: []int{3, 4}, rhsDims: []int{4, 5}, lhsContract: []int{1}, rhsContract: []int{0}},
	{name: "small-transposed-lhs", lhsDims: []int{37, 21}, rhsDims: []int{37, 50}, lhsContract: []int{0}, rhsContract: []int{0}},
	{name: "small-attention-scores", lhsDims: []int{2, 64, 4, 32}, rhsDims: []int{2, 64, 4, 32}, lhsContract: []int{3}, lhsBatch: []int{0, 2}, rhsContract: []int{3}, rhsBatch: []int{0, 2}},
	{name: "small-attention-values", lhsDims: []int{2, 4, 64, 64}, rhsDims: []int{2, 64, 4, 32}, lhsContract: []int{3}, lhsBatch: []int{0, 1}, rhsContract: []int{1}, rhsBatch: []int{0, 2}},
	{name: "small-weight-gradient", lhsDims: []int{1000, 70}, rhsDims: []int{1000, 90}, lhsContract: []int{0}, rhsContract: []int{0}},
	{name: "large-dense", lhsDims: []int{8, 100, 130}, rhsDims: []int{130, 260}, lhsContract: []int{2}, rhsContract: []int{0}},
	{name: "large-transposed-rhs", lhsDims: []int{300, 70}, rhsDims: []int{200, 70}, lhsContract: []int{1}, rhsContract: []int{1}},
	{name: "large-batched", lhsDims: []int{3, 150, 40}, rhsDims: []int{3, 40, 170}, lhsContract: []int{2}, lhsBatch: []int{0}, rhsContract: []int{1}, rhsBatch: []int{0}},
	{name: "large-two-contracting", lhsDims: []int{200, 5, 9}, rhsDims: []int{9, 130, 5}, lhsContract: []int{1, 2}, rhsContract: []int{2, 0}},
}

func randTensor(r *rand.Rand, dtype dtypes.DType, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	if dtype == dtypes.Float64 {
		data := make([]float64, n)
		for i := range data {
			data[i] = r.NormFloat64()
		}
		return tensors.FromFlatDataAndDimensions(data, dims...)
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(r.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(data, dims...)
}

// dotGeneral runs the case on b in dtype, with operands drawn from seed.
func dotGeneral(t testing.TB, b backends.Backend, c dotCase, dtype dtypes.DType, seed uint64) []float64 {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	lhs, rhs := randTensor(r, dtype, c.lhsDims...), randTensor(r, dtype, c.rhsDims...)
	exec, err := graph.NewExec(b, func(l, r *graph.Node) *graph.Node {
		return graph.DotGeneral(l, c.lhsContract, c.lhsBatch, r, c.rhsContract, c.rhsBatch)
	})
	if err != nil {
		t.Fatalf("%s: building: %v", c.name, err)
	}
	defer exec.Finalize()
	outs, err := exec.Exec(lhs, rhs)
	if err != nil {
		t.Fatalf("%s: running: %v", c.name, err)
	}
	var flat []float64
	if dtype == dtypes.Float64 {
		tensors.ConstFlatData(outs[0], func(f []float64) { flat = append(flat, f...) })
	} else {
		tensors.ConstFlatData(outs[0], func(f []float32) {
			for _, x := range f {
				flat = append(flat, float64(x))
			}
		})
	}
	return flat
}

func newBackend(t testing.TB, config string) backends.Backend {
	t.Helper()
	b, err := backends.NewWithConfig(config)
	if err != nil {
		t.Fatalf("creating SimpleGo backend %q: %v", config, err)
	}
	return b
}

// TestInstalled fails when the kernels cannot be installed on a CPU that has
// the micro-kernel: a GoMLX release whose internals moved.
func TestInstalled(t *testing.T) {
	if !Available() {
		t.Skip("this CPU lacks the micro-kernel (AVX2 and FMA3 on amd64); SimpleGo keeps its own kernels here")
	}
	if err := Install(); err != nil {
		t.Fatal(err)
	}
	if got := simplego.DotGeneralTargetBlockLog2Dim[dtypes.Float32]; got != unblockedLog2Dim {
		t.Fatalf("float32 block size log2 = %d, want %d", got, unblockedLog2Dim)
	}
	if got := Implementation(); got != "gemm/"+kernelName+"/1" {
		t.Fatalf("Implementation() = %q", got)
	}
}

// TestDotGeneralMatchesFloat64 runs DotGeneral in float32 on the installed
// kernels and in float64 on SimpleGo's own, for both paths and every layout
// of axes.
func TestDotGeneralMatchesFloat64(t *testing.T) {
	if err := Install(); err != nil {
		t.Skipf("kernels not installed (%v): SimpleGo's own are tested by GoMLX", err)
	}
	b := newBackend(t, "go:ops_sequential")
	for i, c := range dotCases {
		t.Run(c.name, func(t *testing.T) {
			got := dotGeneral(t, b, c, dtypes.Float32, uint64(i))
			want := dotGeneral(t, b, c, dtypes.Float64, uint64(i))
			if len(got) != len(want) {
				t.Fatalf("%d values, want %d", len(got), len(want))
			}
			for j := range got {
				if math.Abs(got[j]-want[j]) > 1e-4*(1+math.Abs(want[j])) {
					t.Fatalf("value %d = %g, want %g", j, got[j], want[j])
				}
			}
		})
	}
}

// TestDotGeneralDeterministic: the same product on one thread and on many,
// with SimpleGo splitting the blocked path across workers, is bit-identical.
func TestDotGeneralDeterministic(t *testing.T) {
	if err := Install(); err != nil {
		t.Skipf("kernels not installed (%v): SimpleGo's own kernels run here, and GoMLX tests them", err)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var first [][]float64
	for _, procs := range []int{1, 8} {
		runtime.GOMAXPROCS(procs)
		b := newBackend(t, "go")
		var outs [][]float64
		for i, c := range dotCases {
			outs = append(outs, dotGeneral(t, b, c, dtypes.Float32, uint64(i)))
		}
		b.Finalize()
		if first == nil {
			first = outs
			continue
		}
		for i := range outs {
			for j := range outs[i] {
				if math.Float64bits(outs[i][j]) != math.Float64bits(first[i][j]) {
					t.Fatalf("%s: value %d is %g with GOMAXPROCS=%d, %g with 1", dotCases[i].name, j, outs[i][j], procs, first[i][j])
				}
			}
		}
	}
}

// useStock puts SimpleGo's own float32 kernels back until the returned
// function is called. Graphs must be built and run in between.
func useStock() (restore func()) {
	ours := [2]any{normalizers.Map[dtypes.Float32], normalizedKernels.Map[dtypes.Float32]}
	normalizers.Map[dtypes.Float32], normalizedKernels.Map[dtypes.Float32] = stock.normalize, stock.kernel
	simplego.DotGeneralTargetBlockLog2Dim[dtypes.Float32] = stock.log2Dim
	return func() {
		normalizers.Map[dtypes.Float32], normalizedKernels.Map[dtypes.Float32] = ours[0], ours[1]
		simplego.DotGeneralTargetBlockLog2Dim[dtypes.Float32] = unblockedLog2Dim
	}
}

// BenchmarkDotGeneral times products of the shapes training uses, with the
// installed kernels and with SimpleGo's own.
func BenchmarkDotGeneral(b *testing.B) {
	if err := Install(); err != nil {
		b.Skipf("kernels not installed (%v)", err)
	}
	cases := []dotCase{
		{name: "dense-2048x128x512", lhsDims: []int{2048, 128}, rhsDims: []int{128, 512}, lhsContract: []int{1}, rhsContract: []int{0}},
		{name: "weight-grad-128x512x2048", lhsDims: []int{2048, 128}, rhsDims: []int{2048, 512}, lhsContract: []int{0}, rhsContract: []int{0}},
		{name: "attention-64x128x128x32", lhsDims: []int{16, 128, 4, 32}, rhsDims: []int{16, 128, 4, 32}, lhsContract: []int{3}, lhsBatch: []int{0, 2}, rhsContract: []int{3}, rhsBatch: []int{0, 2}},
	}
	for _, kernels := range []string{"gemm", "simplego"} {
		for _, c := range cases {
			b.Run(fmt.Sprintf("%s/%s", kernels, c.name), func(b *testing.B) {
				if kernels == "simplego" {
					defer useStock()()
				}
				be := newBackend(b, "go:ops_sequential")
				r := rand.New(rand.NewPCG(1, 7))
				lhs, rhs := randTensor(r, dtypes.Float32, c.lhsDims...), randTensor(r, dtypes.Float32, c.rhsDims...)
				exec, err := graph.NewExec(be, func(l, r *graph.Node) *graph.Node {
					return graph.DotGeneral(l, c.lhsContract, c.lhsBatch, r, c.rhsContract, c.rhsBatch)
				})
				if err != nil {
					b.Fatal(err)
				}
				defer exec.Finalize()
				flops := 2.0
				for _, d := range c.lhsDims {
					flops *= float64(d)
				}
				for i, d := range c.rhsDims {
					if !slices.Contains(c.rhsContract, i) && !slices.Contains(c.rhsBatch, i) {
						flops *= float64(d)
					}
				}
				for b.Loop() {
					outs, err := exec.Exec(lhs, rhs)
					if err != nil {
						b.Fatal(err)
					}
					outs[0].FinalizeAll()
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
