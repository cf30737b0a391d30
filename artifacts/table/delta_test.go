package table

import (
	"math"
	"slices"
	"testing"
)

// TestDeltaRoundTrip encodes values in DELTA_BINARY_PACKED and decodes
// them back.
func TestDeltaRoundTrip(t *testing.T) {
	ramp := make([]int32, 300)
	for i := range ramp {
		ramp[i] = int32(i * 3)
	}
	lengths := make([]int32, 1000)
	for i := range lengths {
		lengths[i] = int32((i * 7919) % 2500)
	}
	cases := []struct {
		name string
		vals []int32
	}{
		{"empty", nil},
		{"one value", []int32{42}},
		{"constant", slices.Repeat([]int32{7}, 129)},
		{"ramp over several blocks", ramp},
		{"text lengths", lengths},
		{"extremes", []int32{math.MaxInt32, 0, math.MinInt32, math.MaxInt32, -1, 1}},
	}
	for _, tc := range cases {
		enc := appendDelta(nil, tc.vals)
		if len(enc) > deltaBound(len(tc.vals)) {
			t.Errorf("%s: %d bytes, over the bound %d", tc.name, len(enc), deltaBound(len(tc.vals)))
		}
		got, used, err := decodeDelta(nil, append(enc, 0xee), len(tc.vals))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if used != len(enc) || !slices.Equal(got, tc.vals) && len(tc.vals) > 0 {
			t.Fatalf("%s: decoded %v using %d bytes, want %v in %d", tc.name, got, used, tc.vals, len(enc))
		}
	}
}

// FuzzDelta decodes arbitrary bytes: errors, never panics.
func FuzzDelta(f *testing.F) {
	f.Add(appendDelta(nil, []int32{5, 3, 9, 1000, 2}), 5)
	f.Fuzz(func(t *testing.T, src []byte, n int) {
		if n < 0 || n > 1<<16 {
			return
		}
		got, _, err := decodeDelta(nil, src, n)
		if err == nil && len(got) != n {
			t.Fatalf("decoded %d values, asked for %d", len(got), n)
		}
	})
}
