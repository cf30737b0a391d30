package table

import (
	"math"
	"slices"
	"testing"
)

// TestEncodingBounds checks that the page encoder's DELTA_BINARY_PACKED
// and RLE / bit-packed runs stay within the sizes the chunk writer
// reserves for them (their values are checked by reading the writer's
// files back through arrow-go, in the flat writer's tests).
func TestEncodingBounds(t *testing.T) {
	ramp := make([]int32, 300)
	for i := range ramp {
		ramp[i] = int32(i * 3)
	}
	alternating := make([]uint8, 1001)
	for i := range alternating {
		alternating[i] = uint8(i % 2)
	}
	deltas := [][]int32{nil, {42}, slices.Repeat([]int32{7}, 129), ramp,
		{math.MaxInt32, 0, math.MinInt32, math.MaxInt32, -1, 1}}
	for _, vals := range deltas {
		if enc := appendDelta(nil, vals); len(enc) > deltaBound(len(vals)) {
			t.Errorf("%d values: %d bytes of DELTA_BINARY_PACKED, over the bound %d", len(vals), len(enc), deltaBound(len(vals)))
		}
	}
	for _, levels := range [][]uint8{nil, {1}, slices.Repeat([]uint8{1}, 1000), alternating} {
		if enc := appendHybrid(nil, levels, 1); len(enc) > hybridBound(len(levels)) {
			t.Errorf("%d levels: %d bytes, over the bound %d", len(levels), len(enc), hybridBound(len(levels)))
		}
	}
}
