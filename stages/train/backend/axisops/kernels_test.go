package axisops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
)

// randomValues draws n floats with a few infinities, NaNs, zeros of both
// signs and exact repeats among them, so that rounding and special values
// are compared too.
func randomValues(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	specials := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e-38, 3e38}
	for i := range v {
		if r.IntN(20) == 0 {
			v[i] = specials[r.IntN(len(specials))]
			continue
		}
		v[i] = float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(7)-3)))
	}
	return v
}

// randomDims draws a shape of rank 0 to 5 with extents 1 to 6.
func randomDims(r *rand.Rand) []int {
	dims := make([]int, r.IntN(6))
	for i := range dims {
		dims[i] = 1 + r.IntN(6)
	}
	return dims
}

// broadcastFrom returns dims with a random subset of axes set to 1.
func broadcastFrom(r *rand.Rand, dims []int) []int {
	out := make([]int, len(dims))
	for i, d := range dims {
		out[i] = d
		if r.IntN(2) == 0 {
			out[i] = 1
		}
	}
	return out
}

func size(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

// flatIndex is the row-major index into dims (broadcast axes of extent 1
// contribute nothing) of the multi-index idx of the output.
func flatIndex(dims, idx []int) int {
	f := 0
	for axis, d := range dims {
		i := idx[axis]
		if d == 1 {
			i = 0
		}
		f = f*d + i
	}
	return f
}

// multiIndex is the multi-index of flat index f in dims.
func multiIndex(dims []int, f int) []int {
	idx := make([]int, len(dims))
	for axis := len(dims) - 1; axis >= 0; axis-- {
		idx[axis] = f % dims[axis]
		f /= dims[axis]
	}
	return idx
}

func sameBits(a, b []float32) (int, bool) { return sameBitsBut(a, b, false) }

// sameBitsBut compares bits, any NaN equal to any other when anyNaN: Go's
// built-in max chooses a NaN's payload by where it is compiled, so a
// maximum's NaN is the same NaN only in value.
func sameBitsBut(a, b []float32, anyNaN bool) (int, bool) {
	if len(a) != len(b) {
		return -1, false
	}
	for i := range a {
		if anyNaN && a[i] != a[i] && b[i] != b[i] {
			continue
		}
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i, false
		}
	}
	return 0, true
}

// TestBinaryMatchesElementByElement: every op, over random shapes with random
// broadcast axes on either side or both, gives the bits of computing each
// output element from its two operand elements on its own.
func TestBinaryMatchesElementByElement(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 2000 {
		outDims := randomDims(r)
		lhsDims, rhsDims := broadcastFrom(r, outDims), broadcastFrom(r, outDims)
		if trial%3 == 0 {
			lhsDims = append([]int(nil), outDims...)
		}
		// Every output extent must come from one side.
		for axis := range outDims {
			if lhsDims[axis] == 1 && rhsDims[axis] == 1 {
				rhsDims[axis] = outDims[axis]
			}
		}
		lhs, rhs := randomValues(r, size(lhsDims)), randomValues(r, size(rhsDims))
		for _, op := range []Op{Add, Sub, Mul, Div} {
			want := make([]float32, size(outDims))
			for f := range want {
				idx := multiIndex(outDims, f)
				want[f] = apply(op, lhs[flatIndex(lhsDims, idx)], rhs[flatIndex(rhsDims, idx)])
			}
			got := make([]float32, len(want))
			Binary(op, got, lhs, rhs, outDims, lhsDims, rhsDims)
			if i, ok := sameBits(got, want); !ok {
				t.Fatalf("op %d, %v = %v op %v: element %d is %v, want %v", op, outDims, lhsDims, rhsDims, i, got[i], want[i])
			}
		}
	}
}

// TestBinaryInPlace: the output may be the operand of the output's shape.
func TestBinaryInPlace(t *testing.T) {
	lhs := []float32{1, 2, 3, 4, 5, 6}
	Binary(Sub, lhs, lhs, []float32{10, 20, 30}, []int{2, 3}, []int{2, 3}, []int{1, 3})
	want := []float32{-9, -18, -27, -6, -15, -24}
	if _, ok := sameBits(lhs, want); !ok {
		t.Fatalf("in place: %v, want %v", lhs, want)
	}
	rhs := []float32{1, 2, 3, 4, 5, 6}
	Binary(Div, rhs, []float32{12, 30}, rhs, []int{2, 3}, []int{2, 1}, []int{2, 3})
	want = []float32{12, 6, 4, 7.5, 6, 5}
	if _, ok := sameBits(rhs, want); !ok {
		t.Fatalf("in place on the right: %v, want %v", rhs, want)
	}
}

// TestBroadcastMatchesElementByElement: every output element is its source element.
func TestBroadcastMatchesElementByElement(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		outDims := randomDims(r)
		srcDims := broadcastFrom(r, outDims)
		src := randomValues(r, size(srcDims))
		want := make([]float32, size(outDims))
		for f := range want {
			want[f] = src[flatIndex(srcDims, multiIndex(outDims, f))]
		}
		got := make([]float32, len(want))
		Broadcast(got, src, outDims, srcDims)
		if i, ok := sameBits(got, want); !ok {
			t.Fatalf("%v from %v: element %d is %v, want %v", outDims, srcDims, i, got[i], want[i])
		}
	}
}

// TestReduceMatchesFlatOrder: sums and maxima over random axes give the bits
// of adding (or comparing) each output's operand values one by one in the
// operand's flat order, as SimpleGo does.
func TestReduceMatchesFlatOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		dims := randomDims(r)
		reduced := make([]bool, len(dims))
		var keptDims []int
		for axis, d := range dims {
			reduced[axis] = r.IntN(2) == 0
			if !reduced[axis] {
				keptDims = append(keptDims, d)
			}
		}
		operand := randomValues(r, size(dims))
		for _, red := range []Reduction{Sum, Max} {
			want := make([]float32, size(keptDims))
			for i := range want {
				if red == Max {
					want[i] = dtypes.Float32.LowestValue().(float32) // SimpleGo's start
				}
			}
			for f, v := range operand {
				idx := multiIndex(dims, f)
				o := 0
				for axis, d := range dims {
					if !reduced[axis] {
						o = o*d + idx[axis]
					}
				}
				if red == Sum {
					want[o] += v
				} else {
					want[o] = max(want[o], v)
				}
			}
			got := make([]float32, len(want))
			Reduce(red, got, operand, dims, reduced)
			if i, ok := sameBitsBut(got, want, red == Max); !ok {
				t.Fatalf("reduction %d of %v over %v: element %d is %v (%#x), want %v (%#x)", red, dims, reduced, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
			}
		}
	}
}

// TestKernelsRejectMismatchedShapes: a shape that does not broadcast, or a
// slice of the wrong length, is a panic naming it, not a silent overrun.
func TestKernelsRejectMismatchedShapes(t *testing.T) {
	cases := map[string]func(){
		"rank": func() {
			Binary(Add, make([]float32, 6), make([]float32, 6), make([]float32, 3), []int{2, 3}, []int{2, 3}, []int{3})
		},
		"extent": func() {
			Binary(Add, make([]float32, 6), make([]float32, 6), make([]float32, 2), []int{2, 3}, []int{2, 3}, []int{1, 2})
		},
		"length": func() { Broadcast(make([]float32, 6), make([]float32, 2), []int{2, 3}, []int{1, 3}) },
		"reduce": func() { Reduce(Sum, make([]float32, 3), make([]float32, 6), []int{2, 3}, []bool{false, true}) },
	}
	for name, fn := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if msg := fmt.Sprint(recover()); msg == "<nil>" {
					t.Fatal("no panic")
				}
			}()
			fn()
		})
	}
}
