// Package gemm is a packed, register-blocked float32 matrix multiply, and
// installs itself as the float32 kernel of SimpleGo's DotGeneral (GoMLX
// v0.26.0), whose own kernels run at about a twentieth of the machine's
// floating-point rate.
//
// The product is C += A·Bᵀ with A m×k and B n×k, each read through offset
// tables (Operand), so a transposed or reshaped tensor is multiplied where it
// lies. The assembly micro-kernel keeps a 4×16 tile of C in registers; it
// reads A where its rows and depth are evenly strided and B where, besides,
// its 16 columns lie side by side, and packs the rest into k-major panels
// first. The summation order of every output element is fixed by the shapes
// alone, never by scheduling, so results do not depend on GOMAXPROCS.
package gemm

import (
	"sync"
	"sync/atomic"
)

const (
	// mr and nr are the micro-kernel's tile: rows of A, columns of B.
	mr = 4
	nr = 16
	// kc is the depth of one packed panel; mc the rows of A packed at once.
	// A panel of B (kc×nr floats, 16 KiB) stays in L1, a block of A
	// (mc×kc, 64 KiB) in L2.
	kc = 256
	mc = 64
	// nc is the columns of C one block of work covers.
	nc = 256
	// minParallelFlops is the least work given to one more goroutine.
	minParallelFlops = 1 << 22
)

// scratch holds the packed panels of one block of work.
type scratch struct {
	a, b, edge, packed []float32
	tile               [mr * nr]float32
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// grow returns s with at least n elements, reusing its storage.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// Operand is a matrix read through offset tables: element (i, p) is
// Data[Base+Rows[i]+Cols[p]], or Data[Base+Rows[i]+p] when Cols is nil. Any
// transposition or reshape of a row-major tensor is such a matrix, so
// operands are read where they lie instead of being copied into place first.
type Operand struct {
	Data       []float32
	Base       int
	Rows, Cols []int
}

// valid reports whether every element the tables reach lies in Data.
func (o Operand) valid(k int) bool {
	if o.Base < 0 {
		return false
	}
	lo, hi := o.Base, o.Base
	for _, r := range o.Rows {
		lo, hi = min(lo, o.Base+r), max(hi, o.Base+r)
	}
	if o.Cols == nil {
		return lo >= 0 && hi+k <= len(o.Data)
	}
	if len(o.Cols) < k {
		return false
	}
	cl, ch := 0, 0
	for _, c := range o.Cols[:k] {
		cl, ch = min(cl, c), max(ch, c)
	}
	return lo+cl >= 0 && hi+ch < len(o.Data)
}

// rowMajor is the m×k matrix of data with rows ld apart.
func rowMajor(data []float32, m, ld int) Operand {
	rows := make([]int, m)
	for i := range rows {
		rows[i] = i * ld
	}
	return Operand{Data: data, Rows: rows}
}

// MulNT adds A·Bᵀ to C: a is m×k with rows lda apart, b is n×k with rows ldb
// apart, c is m×n with rows ldc apart. It panics if the CPU lacks the
// micro-kernel (see Available) or a slice is too short.
func MulNT(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m <= 0 || n <= 0 || k <= 0 {
		return
	}
	Mul(rowMajor(a, m, lda), rowMajor(b, n, ldb), k, c, ldc, 1)
}

// layout is how an operand's tables run: affine when Rows[i] is
// Rows[0]+i·rowStride and Cols[p] is p·colStride, so the micro-kernel can read
// it where it lies.
type layout struct {
	affine               bool
	rowStride, colStride int
}

func layoutOf(o Operand, k int) layout {
	l := layout{affine: true, colStride: 1}
	if len(o.Rows) > 1 {
		l.rowStride = o.Rows[1] - o.Rows[0]
	}
	for i, r := range o.Rows {
		if r != o.Rows[0]+i*l.rowStride {
			return layout{}
		}
	}
	if o.Cols != nil {
		if k > 1 {
			l.colStride = o.Cols[1] - o.Cols[0]
		}
		for p, c := range o.Cols[:k] {
			if c != o.Cols[0]+p*l.colStride {
				return layout{}
			}
		}
		if o.Cols[0] != 0 {
			return layout{}
		}
	}
	return l
}

// product is one A·Bᵀ being added to C.
type product struct {
	a, b       Operand
	la, lb     layout
	k, ldc     int
	c          []float32
	bDirect    bool      // B's columns lie side by side: read in place
	bPacked    []float32 // otherwise all of B, packed once
	nPad       int       // columns of bPacked
	mBlk, nBlk int
}

// Mul adds A·Bᵀ to C, where A has len(a.Rows) rows and B len(b.Rows), both k
// deep, and C's rows are ldc apart. Work is split into blocks of C run on up
// to workers goroutines; each element of C is summed by one of them, in an
// order fixed by k alone. It panics if an operand's tables reach outside its
// data or C is too short.
func Mul(a, b Operand, k int, c []float32, ldc, workers int) {
	m, n := len(a.Rows), len(b.Rows)
	if m == 0 || n == 0 || k <= 0 {
		return
	}
	if !a.valid(k) || !b.valid(k) || len(c) < (m-1)*ldc+n {
		panic("gemm: operand tables reach outside their data")
	}
	pr := &product{a: a, b: b, la: layoutOf(a, k), lb: layoutOf(b, k), k: k, c: c, ldc: ldc,
		mBlk: (m + mc - 1) / mc, nBlk: (n + nc - 1) / nc}
	pr.bDirect = pr.lb.affine && pr.lb.rowStride == 1
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	if !pr.bDirect {
		pr.nPad = (n + nr - 1) / nr * nr
		s.packed = grow(s.packed, k*pr.nPad)
		pr.bPacked = s.packed
		for k0 := 0; k0 < k; k0 += kc {
			pack(pr.bPacked[k0*pr.nPad:], b, 0, n, k0, min(kc, k-k0), nr)
		}
	}
	blocks := pr.mBlk * pr.nBlk
	if workers = min(workers, blocks, max(1, 2*m*n*k/minParallelFlops)); workers <= 1 {
		for blk := range blocks {
			pr.block(s, blk)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			ws := scratchPool.Get().(*scratch)
			defer scratchPool.Put(ws)
			for blk := int(next.Add(1) - 1); blk < blocks; blk = int(next.Add(1) - 1) {
				pr.block(ws, blk)
			}
		})
	}
	wg.Wait()
}

// block adds block blk of C (at most mc rows by nc columns) of A·Bᵀ to C.
func (pr *product) block(s *scratch, blk int) {
	a, b := pr.a, pr.b
	i0, j0 := blk/pr.nBlk*mc, blk%pr.nBlk*nc
	mb, nb := min(mc, len(a.Rows)-i0), min(nc, len(b.Rows)-j0)
	mPanels, nPanels := (mb+mr-1)/mr, (nb+nr-1)/nr
	for k0 := 0; k0 < pr.k; k0 += kc {
		kb := min(kc, pr.k-k0)
		if !pr.la.affine {
			s.a = grow(s.a, mPanels*kb*mr)
			pack(s.a, a, i0, mb, k0, kb, mr)
		}
		for jp := range nPanels {
			col0 := j0 + jp*nr
			cols := min(nr, nb-jp*nr)
			var bp *float32
			bs := nr
			switch {
			case pr.bDirect && cols == nr:
				bp, bs = &b.Data[b.Base+b.Rows[col0]+k0*pr.lb.colStride], pr.lb.colStride
			case pr.bDirect:
				s.b = grow(s.b, kb*nr)
				pack(s.b, b, col0, cols, k0, kb, nr)
				bp = &s.b[0]
			default:
				bp = &pr.bPacked[k0*pr.nPad+col0*kb]
			}
			for ip := range mPanels {
				row0 := i0 + ip*mr
				rows := min(mr, mb-ip*mr)
				var ap *float32
				rs, ps := 1, mr
				switch {
				case !pr.la.affine:
					ap = &s.a[ip*kb*mr]
				case rows == mr:
					ap, rs, ps = &a.Data[a.Base+a.Rows[row0]+k0*pr.la.colStride], pr.la.rowStride, pr.la.colStride
				default:
					s.edge = grow(s.edge, kb*mr)
					pack(s.edge, a, row0, rows, k0, kb, mr)
					ap = &s.edge[0]
				}
				ci := row0*pr.ldc + col0
				if rows == mr && cols == nr {
					kernel4x16(kb, ap, rs, ps, bp, bs, &pr.c[ci], pr.ldc)
					continue
				}
				edgeTile(s, kb, ap, rs, ps, bp, bs, pr.c[ci:], pr.ldc, rows, cols)
			}
		}
	}
}

// edgeTile runs the micro-kernel on a tile that C does not fill: the valid
// part is copied into a whole tile and back, so it is summed in the same order
// as a full one. The panels must hold mr rows and nr columns (zero padded).
func edgeTile(s *scratch, kb int, ap *float32, rs, ps int, bp *float32, bs int, c []float32, ldc, rows, cols int) {
	clear(s.tile[:])
	for r := range rows {
		copy(s.tile[r*nr:r*nr+cols], c[r*ldc:r*ldc+cols])
	}
	kernel4x16(kb, ap, rs, ps, bp, bs, &s.tile[0], nr)
	for r := range rows {
		copy(c[r*ldc:r*ldc+cols], s.tile[r*nr:r*nr+cols])
	}
}

// pack copies rows r0..r0+count of o, depth k0..k0+kb, into panels of width
// rows, k-major: dst[panel][p][w] = o(r0+panel*width+w, k0+p), zero past the
// last row. Contiguous rows are read along the row; gathered ones a depth
// at a time, so rows that lie side by side (a transposed operand) are read
// side by side.
func pack(dst []float32, o Operand, r0, count, k0, kb, width int) {
	for ip := 0; ip*width < count; ip++ {
		panel := dst[ip*kb*width : (ip+1)*kb*width]
		rows := min(width, count-ip*width)
		if rows < width {
			clear(panel)
		}
		if o.Cols == nil {
			for w := range rows {
				base := o.Base + o.Rows[r0+ip*width+w] + k0
				for p, v := range o.Data[base : base+kb] {
					panel[p*width+w] = v
				}
			}
			continue
		}
		bases := o.Rows[r0+ip*width : r0+ip*width+rows]
		for p, off := range o.Cols[k0 : k0+kb] {
			dst := panel[p*width : p*width+rows]
			for w, base := range bases {
				dst[w] = o.Data[o.Base+base+off]
			}
		}
	}
}

// Available reports whether this CPU runs the micro-kernel (on amd64: AVX2
// and FMA3). Without it nothing is installed and SimpleGo keeps its kernels.
func Available() bool { return haveKernel }
