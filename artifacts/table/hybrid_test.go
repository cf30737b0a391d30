package table

import (
	"bytes"
	"slices"
	"testing"
)

// TestHybridRoundTrip encodes values in the RLE / bit-packed hybrid and
// decodes them back, at several bit widths and run shapes.
func TestHybridRoundTrip(t *testing.T) {
	alternating := make([]int32, 37)
	for i := range alternating {
		alternating[i] = int32(i % 2)
	}
	mixed := []int32{}
	for i := range 300 {
		switch {
		case i < 20:
			mixed = append(mixed, 5)
		case i < 45:
			mixed = append(mixed, int32(i))
		default:
			mixed = append(mixed, int32(i/50))
		}
	}
	wide := []int32{0, 1 << 30, 7, 1<<31 - 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 9}
	cases := []struct {
		name  string
		vals  []int32
		width int
	}{
		{"empty", nil, 1},
		{"one value", []int32{1}, 1},
		{"a long run", slices.Repeat([]int32{3}, 1000), 2},
		{"alternating bits", alternating, 1},
		{"runs and literals", mixed, 9},
		{"32-bit values", wide, 32},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			enc := appendHybrid(nil, tc.vals, tc.width)
			got, err := decodeHybrid[int32](nil, enc, tc.width, len(tc.vals))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.vals) && len(tc.vals) > 0 {
				t.Fatalf("decoded %v, want %v", got, tc.vals)
			}
			if tc.width == 1 {
				levels := make([]uint8, len(tc.vals))
				for i, v := range tc.vals {
					levels[i] = uint8(v)
				}
				if enc8 := appendHybrid(nil, levels, 1); !bytes.Equal(enc8, enc) {
					t.Fatalf("levels encode as %x, int32s as %x", enc8, enc)
				}
				if len(enc) > hybridBound(len(tc.vals)) {
					t.Fatalf("%d bytes for %d levels, over the bound %d", len(enc), len(tc.vals), hybridBound(len(tc.vals)))
				}
			}
		})
	}
}

// TestHybridCorrupt checks that truncated or empty runs are errors.
func TestHybridCorrupt(t *testing.T) {
	cases := []struct {
		name string
		src  []byte
	}{
		{"no header", nil},
		{"rle run without its value", []byte{8 << 1}},
		{"empty rle run", []byte{0, 1}},
		{"bit-packed run past the end", []byte{2<<1 | 1, 0xff}},
		{"value wider than the width", []byte{8 << 1, 0x07}},
	}
	for _, tc := range cases {
		if _, err := decodeHybrid[int32](nil, tc.src, 2, 8); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

// FuzzHybrid decodes arbitrary bytes: errors, never panics, and never
// more values than asked for.
func FuzzHybrid(f *testing.F) {
	f.Add(appendHybrid(nil, []int32{1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3}, 2), 2, 11)
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f}, 32, 4)
	f.Fuzz(func(t *testing.T, src []byte, width, n int) {
		if n < 0 || n > 1<<16 {
			return
		}
		got, err := decodeHybrid[int32](nil, src, width, n)
		if err == nil && len(got) != n {
			t.Fatalf("decoded %d values, asked for %d", len(got), n)
		}
	})
}
