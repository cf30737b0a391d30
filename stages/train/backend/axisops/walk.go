package axisops

// A walk visits a row-major output (or, for a reduction, operand) in flat
// order while one or two other tensors follow it with their own strides, 0 on
// the axes they are broadcast over. Runs of axes that every tensor treats
// alike are merged first, so a bias added to [B, T, D] is one axis of B·T
// rows over one of D columns, and the innermost merged axis becomes one plain
// loop.
type walk struct {
	dims []int // merged extents, outermost first
	a, b []int // each follower's stride on each merged axis
}

// axisClass says, for one axis, which followers stand still on it (bit 0: a,
// bit 1: b). Axes of extent 1 belong to no class and are dropped.
type axisClass uint8

// newWalk merges the axes of a walk over dims in which follower a is fixed
// where aStill[axis] and b where bStill[axis]. Each follower is a contiguous
// row-major tensor over the axes where it moves.
func newWalk(dims []int, aStill, bStill func(axis int) bool) walk {
	var w walk
	var classes []axisClass
	for axis, d := range dims {
		if d == 1 {
			continue
		}
		var c axisClass
		if aStill(axis) {
			c |= 1
		}
		if bStill(axis) {
			c |= 2
		}
		if n := len(w.dims); n > 0 && classes[n-1] == c {
			w.dims[n-1] *= d
			continue
		}
		w.dims = append(w.dims, d)
		classes = append(classes, c)
	}
	w.a, w.b = make([]int, len(w.dims)), make([]int, len(w.dims))
	sa, sb := 1, 1
	for i := len(w.dims) - 1; i >= 0; i-- {
		if classes[i]&1 == 0 {
			w.a[i], sa = sa, sa*w.dims[i]
		}
		if classes[i]&2 == 0 {
			w.b[i], sb = sb, sb*w.dims[i]
		}
	}
	return w
}

// runs calls fn for every run of the innermost merged axis, in flat order:
// the run starts at flat index at (of the tensor walked) and at offsets ai
// and bi of the followers, and is n long, with the followers' strides
// da, db (0 or 1) along it.
func (w walk) runs(fn func(at, ai, bi, n, da, db int)) {
	rank := len(w.dims)
	if rank == 0 { // every axis of extent 1: one element
		fn(0, 0, 0, 1, 0, 0)
		return
	}
	inner := rank - 1
	n, da, db := w.dims[inner], w.a[inner], w.b[inner]
	idx := make([]int, inner)
	at, ai, bi := 0, 0, 0
	for {
		fn(at, ai, bi, n, da, db)
		at += n
		axis := inner - 1
		for ; axis >= 0; axis-- {
			idx[axis]++
			ai += w.a[axis]
			bi += w.b[axis]
			if idx[axis] < w.dims[axis] {
				break
			}
			ai -= w.a[axis] * w.dims[axis]
			bi -= w.b[axis] * w.dims[axis]
			idx[axis] = 0
		}
		if axis < 0 {
			return
		}
	}
}
