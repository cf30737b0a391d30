package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// mulNTRef is C += A·Bᵀ in float64, the reference MulNT is checked against.
func mulNTRef(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) []float64 {
	out := make([]float64, m*n)
	for i := range m {
		for j := range n {
			sum := float64(c[i*ldc+j])
			for p := range k {
				sum += float64(a[i*lda+p]) * float64(b[j*ldb+p])
			}
			out[i*n+j] = sum
		}
	}
	return out
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

func TestMulNTMatchesReference(t *testing.T) {
	if !Available() {
		t.Skip("this CPU lacks the micro-kernel (AVX2 and FMA3 on amd64); SimpleGo keeps its own kernels here")
	}
	r := rand.New(rand.NewPCG(1, 2))
	shapes := [][3]int{{1, 1, 1}, {4, 16, 1}, {3, 5, 7}, {4, 16, 300}, {17, 33, 9}, {64, 64, 64},
		{65, 17, 257}, {130, 70, 513}, {1, 100, 3}, {100, 1, 3}, {8, 16, 256}}
	for _, sh := range shapes {
		m, n, k := sh[0], sh[1], sh[2]
		for _, pad := range []int{0, 3} {
			t.Run(fmt.Sprintf("%dx%dx%d+%d", m, n, k, pad), func(t *testing.T) {
				lda, ldb, ldc := k+pad, k+2*pad, n+pad
				a := randSlice(r, (m-1)*lda+k)
				b := randSlice(r, (n-1)*ldb+k)
				c := randSlice(r, (m-1)*ldc+n)
				want := mulNTRef(m, n, k, a, lda, b, ldb, c, ldc)
				gap := make([]float32, len(c))
				copy(gap, c)
				MulNT(m, n, k, a, lda, b, ldb, c, ldc)
				for i := range m {
					for j := range n {
						got, w := float64(c[i*ldc+j]), want[i*n+j]
						if math.Abs(got-w) > 1e-5*(1+math.Sqrt(float64(k))) {
							t.Fatalf("C[%d][%d] = %g, want %g", i, j, got, w)
						}
					}
					// The gap between rows is left alone.
					for j := n; j < ldc && i*ldc+j < len(c); j++ {
						if c[i*ldc+j] != gap[i*ldc+j] {
							t.Fatalf("C[%d][%d], past the row's end, changed", i, j)
						}
					}
				}
			})
		}
	}
}

func BenchmarkMulNT(b *testing.B) {
	if !Available() {
		b.Skip("this CPU lacks the micro-kernel")
	}
	for _, sh := range [][3]int{{128, 128, 128}, {512, 384, 384}, {2048, 128, 128}, {128, 128, 2048}} {
		m, n, k := sh[0], sh[1], sh[2]
		b.Run(fmt.Sprintf("%dx%dx%d", m, n, k), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			x, y, z := randSlice(r, m*k), randSlice(r, n*k), make([]float32, m*n)
			for b.Loop() {
				MulNT(m, n, k, x, k, y, k, z, n)
			}
			b.ReportMetric(float64(2*m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// layouts of an r×k operand for TestMulLayouts: how its elements lie.
var layouts = map[string]func(r *rand.Rand, rows, k int) (Operand, func(i, p int) int){
	"row-major": func(_ *rand.Rand, rows, k int) (Operand, func(i, p int) int) {
		at := func(i, p int) int { return 3 + i*(k+1) + p }
		o := Operand{Base: 3, Rows: make([]int, rows)}
		for i := range o.Rows {
			o.Rows[i] = i * (k + 1)
		}
		return o, at
	},
	"transposed": func(_ *rand.Rand, rows, k int) (Operand, func(i, p int) int) {
		at := func(i, p int) int { return i + p*rows }
		o := Operand{Rows: make([]int, rows), Cols: make([]int, k)}
		for i := range o.Rows {
			o.Rows[i] = i
		}
		for p := range o.Cols {
			o.Cols[p] = p * rows
		}
		return o, at
	},
	"gathered": func(r *rand.Rand, rows, k int) (Operand, func(i, p int) int) {
		perm, kperm := r.Perm(rows), r.Perm(k)
		at := func(i, p int) int { return perm[i]*k + kperm[p] }
		o := Operand{Rows: make([]int, rows), Cols: make([]int, k)}
		for i := range o.Rows {
			o.Rows[i] = perm[i] * k
		}
		for p := range o.Cols {
			o.Cols[p] = kperm[p]
		}
		return o, at
	},
}

// TestMulLayouts multiplies operands laid out every way Mul reads them (in
// place when affine, B in place when its columns lie side by side, packed
// otherwise), on one goroutine and on several, against a float64 reference;
// the goroutines must not change a bit.
func TestMulLayouts(t *testing.T) {
	if !Available() {
		t.Skip("this CPU lacks the micro-kernel (AVX2 and FMA3 on amd64); SimpleGo keeps its own kernels here")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, sh := range [][3]int{{4, 16, 3}, {7, 19, 300}, {130, 270, 70}, {64, 256, 600}, {200, 600, 100}} {
		m, n, k := sh[0], sh[1], sh[2]
		for an, amake := range layouts {
			for bn, bmake := range layouts {
				t.Run(fmt.Sprintf("%dx%dx%d/%s/%s", m, n, k, an, bn), func(t *testing.T) {
					a, aAt := amake(r, m, k)
					b, bAt := bmake(r, n, k)
					a.Data = randSlice(r, aAt(m-1, k-1)+k*m+4)
					b.Data = randSlice(r, bAt(n-1, k-1)+k*n+4)
					c0 := randSlice(r, m*n)
					want := make([]float64, m*n)
					for i := range m {
						for j := range n {
							sum := float64(c0[i*n+j])
							for p := range k {
								sum += float64(a.Data[aAt(i, p)]) * float64(b.Data[bAt(j, p)])
							}
							want[i*n+j] = sum
						}
					}
					var first []float32
					for _, workers := range []int{1, 3} {
						c := append([]float32(nil), c0...)
						Mul(a, b, k, c, n, workers)
						for i, w := range want {
							if math.Abs(float64(c[i])-w) > 1e-5*(1+math.Sqrt(float64(k))) {
								t.Fatalf("workers %d: C[%d] = %g, want %g", workers, i, c[i], w)
							}
						}
						if first == nil {
							first = c
							continue
						}
						for i := range c {
							if math.Float32bits(c[i]) != math.Float32bits(first[i]) {
								t.Fatalf("C[%d] is %g on %d goroutines, %g on one", i, c[i], workers, first[i])
							}
						}
					}
				})
			}
		}
	}
}

func TestMulRefusesTablesOutsideData(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Mul read past its operand without panicking")
		}
	}()
	a := Operand{Data: make([]float32, 10), Rows: []int{0, 5}}
	b := Operand{Data: make([]float32, 10), Rows: []int{0, 5}}
	Mul(a, b, 6, make([]float32, 4), 2, 1)
}
