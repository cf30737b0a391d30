package axisops

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
)

// Op is an element-wise float32 binary operation.
type Op uint8

// The binary operations this package runs.
const (
	Add Op = iota
	Sub
	Mul
	Div
)

// Binary sets out[i] = lhs[·] op rhs[·] for every index of the row-major
// shape outDims, where lhsDims and rhsDims have its rank and each of their
// axes is either the output's extent or 1 (broadcast). Each element is
// computed as SimpleGo computes it, so the bits are the same; out may be
// lhs or rhs when that operand has the output's shape.
func Binary(op Op, out, lhs, rhs []float32, outDims, lhsDims, rhsDims []int) {
	checkBroadcast(outDims, lhsDims, len(out), len(lhs), "lhs")
	checkBroadcast(outDims, rhsDims, len(out), len(rhs), "rhs")
	if len(out) == 0 {
		return
	}
	w := newWalk(outDims,
		func(axis int) bool { return lhsDims[axis] != outDims[axis] },
		func(axis int) bool { return rhsDims[axis] != outDims[axis] })
	w.runs(func(at, li, ri, n, dl, dr int) {
		o := out[at : at+n]
		switch {
		case dl == 1 && dr == 1:
			both(op, o, lhs[li:li+n], rhs[ri:ri+n])
		case dl == 1:
			scalarRight(op, o, lhs[li:li+n], rhs[ri])
		case dr == 1:
			scalarLeft(op, o, lhs[li], rhs[ri:ri+n])
		default:
			fill(o, apply(op, lhs[li], rhs[ri]))
		}
	})
}

func apply(op Op, a, b float32) float32 {
	switch op {
	case Add:
		return a + b
	case Sub:
		return a - b
	case Mul:
		return a * b
	default:
		return a / b
	}
}

func both(op Op, out, a, b []float32) {
	a, b = a[:len(out)], b[:len(out)]
	switch op {
	case Add:
		for i := range out {
			out[i] = a[i] + b[i]
		}
	case Sub:
		for i := range out {
			out[i] = a[i] - b[i]
		}
	case Mul:
		for i := range out {
			out[i] = a[i] * b[i]
		}
	default:
		for i := range out {
			out[i] = a[i] / b[i]
		}
	}
}

func scalarRight(op Op, out, a []float32, b float32) {
	a = a[:len(out)]
	switch op {
	case Add:
		for i := range out {
			out[i] = a[i] + b
		}
	case Sub:
		for i := range out {
			out[i] = a[i] - b
		}
	case Mul:
		for i := range out {
			out[i] = a[i] * b
		}
	default:
		for i := range out {
			out[i] = a[i] / b
		}
	}
}

func scalarLeft(op Op, out []float32, a float32, b []float32) {
	b = b[:len(out)]
	switch op {
	case Add:
		for i := range out {
			out[i] = a + b[i]
		}
	case Sub:
		for i := range out {
			out[i] = a - b[i]
		}
	case Mul:
		for i := range out {
			out[i] = a * b[i]
		}
	default:
		for i := range out {
			out[i] = a / b[i]
		}
	}
}

func fill(out []float32, v float32) {
	for i := range out {
		out[i] = v
	}
}

// Broadcast copies src (of the row-major shape srcDims, the output's rank,
// each axis the output's extent or 1) into every index of outDims.
func Broadcast(out, src []float32, outDims, srcDims []int) {
	checkBroadcast(outDims, srcDims, len(out), len(src), "operand")
	if len(out) == 0 {
		return
	}
	w := newWalk(outDims,
		func(axis int) bool { return srcDims[axis] != outDims[axis] },
		func(int) bool { return true })
	w.runs(func(at, si, _, n, ds, _ int) {
		if ds == 1 {
			copy(out[at:at+n], src[si:si+n])
		} else {
			fill(out[at:at+n], src[si])
		}
	})
}

// Reduction is a float32 reduction over axes.
type Reduction uint8

// The reductions this package runs.
const (
	Sum Reduction = iota
	Max
)

// Reduce sets out to the reduction of operand (row-major, of shape dims)
// over the axes for which reduced is true; out holds the kept axes in order.
// Every output element takes its operand values in flat order, as SimpleGo
// does, so sums round the same way and the bits are the same.
func Reduce(r Reduction, out, operand []float32, dims []int, reduced []bool) {
	size := 1
	for _, d := range dims {
		size *= d
	}
	kept := 1
	for axis, d := range dims {
		if !reduced[axis] {
			kept *= d
		}
	}
	if size != len(operand) || kept != len(out) {
		panic(fmt.Sprintf("axisops: reduce of %v (%d values) into %d values", dims, len(operand), len(out)))
	}
	init := float32(0)
	if r == Max {
		init = dtypes.Float32.LowestValue().(float32)
	}
	fill(out, init)
	if size == 0 {
		return
	}
	w := newWalk(dims, func(axis int) bool { return reduced[axis] }, func(int) bool { return false })
	w.runs(func(at, oi, _, n, do, _ int) {
		in := operand[at : at+n]
		if do == 0 {
			acc := out[oi]
			if r == Sum {
				for _, v := range in {
					acc += v
				}
			} else {
				for _, v := range in {
					acc = max(acc, v)
				}
			}
			out[oi] = acc
			return
		}
		o := out[oi : oi+n]
		if r == Sum {
			for i, v := range in {
				o[i] += v
			}
		} else {
			for i, v := range in {
				o[i] = max(o[i], v)
			}
		}
	})
}

func checkBroadcast(outDims, dims []int, outLen, length int, what string) {
	if len(dims) != len(outDims) {
		panic(fmt.Sprintf("axisops: %s of rank %d broadcast to rank %d", what, len(dims), len(outDims)))
	}
	size, outSize := 1, 1
	for axis, d := range dims {
		if d != outDims[axis] && d != 1 {
			panic(fmt.Sprintf("axisops: %s dimensions %v do not broadcast to %v", what, dims, outDims))
		}
		size *= d
		outSize *= outDims[axis]
	}
	if size != length || outSize != outLen {
		panic(fmt.Sprintf("axisops: %s of %d values for dimensions %v (output %d for %v)", what, length, dims, outLen, outDims))
	}
}
