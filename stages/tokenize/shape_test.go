package tokenize

import (
	"reflect"
	"testing"
)

func TestShapeApply(t *testing.T) {
	seq := []int32{1, 2, 3, 4, 5, 6, 7}
	tests := []struct {
		name  string
		shape Shape
		batch [][]int32
		want  []Encoding
	}{
		{"none", Shape{}, [][]int32{seq}, []Encoding{{IDs: seq}}},
		{"truncate right", Shape{MaxLength: 3, Truncate: true}, [][]int32{seq},
			[]Encoding{{IDs: []int32{1, 2, 3}, Overflowing: []Encoding{{IDs: []int32{4, 5, 6}}, {IDs: []int32{7}}}}}},
		{"truncate stride", Shape{MaxLength: 4, Truncate: true, Stride: 2}, [][]int32{seq},
			[]Encoding{{IDs: []int32{1, 2, 3, 4}, Overflowing: []Encoding{{IDs: []int32{3, 4, 5, 6}}, {IDs: []int32{5, 6, 7}}}}}},
		{"truncate left", Shape{MaxLength: 3, Truncate: true, TruncateSide: Left}, [][]int32{seq},
			[]Encoding{{IDs: []int32{5, 6, 7}, Overflowing: []Encoding{{IDs: []int32{2, 3, 4}}, {IDs: []int32{1}}}}}},
		{"pad longest right", Shape{Pad: PadLongest, PadID: 0}, [][]int32{{1, 2, 3}, {4}},
			[]Encoding{{IDs: []int32{1, 2, 3}, AttentionMask: []int8{1, 1, 1}}, {IDs: []int32{4, 0, 0}, AttentionMask: []int8{1, 0, 0}}}},
		{"pad max left", Shape{Pad: PadMaxLength, MaxLength: 4, PadSide: Left, PadID: 9}, [][]int32{{1, 2}},
			[]Encoding{{IDs: []int32{9, 9, 1, 2}, AttentionMask: []int8{0, 0, 1, 1}}}},
		{"truncate and pad", Shape{Pad: PadMaxLength, MaxLength: 3, Truncate: true, PadID: 0}, [][]int32{{1, 2, 3, 4}},
			[]Encoding{{IDs: []int32{1, 2, 3}, AttentionMask: []int8{1, 1, 1},
				Overflowing: []Encoding{{IDs: []int32{4, 0, 0}, AttentionMask: []int8{1, 0, 0}}}}}},
		{"longer than max_length without truncation", Shape{Pad: PadMaxLength, MaxLength: 2}, [][]int32{{1, 2, 3}},
			[]Encoding{{IDs: []int32{1, 2, 3}, AttentionMask: []int8{1, 1, 1}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.shape.Check(); err != nil {
				t.Fatal(err)
			}
			if got := tt.shape.Apply(tt.batch); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestShapeCheck(t *testing.T) {
	bad := map[string]Shape{
		"truncate without max": {Truncate: true},
		"stride too big":       {Truncate: true, MaxLength: 2, Stride: 2},
		"pad max without max":  {Pad: PadMaxLength},
		"unknown padding":      {Pad: "huge"},
		"unknown side":         {PadSide: "up"},
		"negative max_length":  {MaxLength: -1},
	}
	for name, s := range bad {
		if s.Check() == nil {
			t.Errorf("%s: Check accepted %+v", name, s)
		}
	}
}
