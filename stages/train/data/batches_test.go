package data

import (
	"reflect"
	"testing"
)

func TestOrderIsAPermutationPerEpochAndDeterministic(t *testing.T) {
	a, b := NewOrder(10, 3), NewOrder(10, 3)
	seen := map[int]bool{}
	for pos := int64(0); pos < 10; pos++ {
		seen[a.At(pos)] = true
	}
	if len(seen) != 10 {
		t.Fatalf("first epoch covers %d of 10 items", len(seen))
	}
	// Jumping straight to a position (as a resumed run does) gives the same item.
	for _, pos := range []int64{25, 3, 17, 9} {
		want := NewOrder(10, 3).Items(0, 30)[pos]
		if got := b.At(pos); got != want {
			t.Fatalf("At(%d) = %d, want %d", pos, got, want)
		}
	}
	if reflect.DeepEqual(NewOrder(10, 3).Items(0, 10), NewOrder(10, 3).Items(10, 10)) {
		t.Fatal("two epochs have the same order")
	}
}

func TestWindows(t *testing.T) {
	tbl := &Table{Rows: [][]int32{{1, 2, 3}, {4, 5}, {6}}}
	w, err := NewWindows(tbl, 4)
	if err != nil {
		t.Fatal(err)
	}
	if w.Len() != 2 {
		t.Fatalf("Len = %d, want 2", w.Len())
	}
	b := w.Batch([]int{1, 0}, 3)
	want := struct {
		ids, targets []int32
		weights      []float32
	}{
		ids:     []int32{5, 6, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0},
		targets: []int32{6, 0, 0, 0, 2, 3, 4, 5, 0, 0, 0, 0},
		weights: []float32{1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0},
	}
	if !reflect.DeepEqual(b.IDs, want.ids) || !reflect.DeepEqual(b.Targets, want.targets) || !reflect.DeepEqual(b.Weights, want.weights) {
		t.Fatalf("batch ids %v targets %v weights %v; want %v %v %v", b.IDs, b.Targets, b.Weights, want.ids, want.targets, want.weights)
	}
	if _, err := NewWindows(&Table{Rows: [][]int32{{1}}}, 4); err == nil {
		t.Fatal("a one-token stream made windows")
	}
}

func TestStridedWindows(t *testing.T) {
	tbl := &Table{Rows: [][]int32{{1, 2, 3}, {4, 5}, {6}}}
	w, err := NewStridedWindows(tbl, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Starts 0, 2, 4: the last window holds the stream's last two tokens.
	if w.Len() != 3 || w.Start(1) != 2 || w.Start(2) != 4 || w.Tokens(0) != 4 || w.Tokens(2) != 1 {
		t.Fatalf("Len %d, starts %d %d, tokens %d %d", w.Len(), w.Start(1), w.Start(2), w.Tokens(0), w.Tokens(2))
	}
	b := w.Batch([]int{1}, 1)
	if !reflect.DeepEqual(b.IDs, []int32{3, 4, 5, 6}) || !reflect.DeepEqual(b.Targets, []int32{4, 5, 6, 0}) {
		t.Fatalf("window 1: ids %v targets %v", b.IDs, b.Targets)
	}
	plain, err := NewWindows(tbl, 4)
	if err != nil {
		t.Fatal(err)
	}
	same, err := NewStridedWindows(tbl, 4, 4)
	if err != nil || !reflect.DeepEqual(same, plain) {
		t.Fatalf("stride = length differs from NewWindows: %+v, %v", same, err)
	}
	for _, stride := range []int{0, 5} {
		if _, err := NewStridedWindows(tbl, 4, stride); err == nil {
			t.Fatalf("stride %d was accepted", stride)
		}
	}
}

func TestScoringWindowsScoreEachTokenOnceWithContext(t *testing.T) {
	for n := 2; n <= 40; n++ {
		row := make([]int32, n)
		for i := range row {
			row[i] = int32(i)
		}
		tbl := &Table{Rows: [][]int32{row[:n/2], row[n/2:]}}
		for length := 1; length <= 12; length++ {
			for stride := 1; stride <= length; stride++ {
				w, err := NewScoringWindows(tbl, length, stride)
				if err != nil {
					t.Fatal(err)
				}
				scored := make([]int, n)
				total := 0
				for i := 0; i < w.Len(); i++ {
					b := w.Batch([]int{i}, 1)
					got := 0
					for j, wt := range b.Weights {
						if wt == 0 {
							continue
						}
						got++
						target := int(b.Targets[j])
						scored[target]++
						// The tokens before the target in its window: at least
						// length-stride, or all of the stream before it.
						if before := j + 1; before < min(target, length-stride+1) {
							t.Fatalf("n %d length %d stride %d: token %d scored after %d tokens of context", n, length, stride, target, before)
						}
						if b.IDs[j] != int32(target-1) {
							t.Fatalf("n %d length %d stride %d: target %d follows id %d", n, length, stride, target, b.IDs[j])
						}
					}
					if got == 0 {
						t.Fatalf("n %d length %d stride %d: window %d of %d scores nothing", n, length, stride, i, w.Len())
					}
					if got != w.Tokens(i) {
						t.Fatalf("n %d length %d stride %d: window %d scores %d targets, Tokens says %d", n, length, stride, i, got, w.Tokens(i))
					}
					total += got
				}
				for k := 1; k < n; k++ {
					if scored[k] != 1 {
						t.Fatalf("n %d length %d stride %d: token %d scored %d times", n, length, stride, k, scored[k])
					}
				}
				if scored[0] != 0 || total != n-1 {
					t.Fatalf("n %d length %d stride %d: %d scores for %d tokens", n, length, stride, total, n-1)
				}
				if stride == length {
					plain, err := NewWindows(tbl, length)
					if err != nil || !reflect.DeepEqual(w, plain) {
						t.Fatalf("n %d length %d: disjoint scoring windows differ from NewWindows", n, length)
					}
				}
			}
		}
	}
	if _, err := NewScoringWindows(&Table{Rows: [][]int32{{1, 2, 3}}}, 4, 5); err == nil {
		t.Fatal("a stride above the length was accepted")
	}
}

func TestClasses(t *testing.T) {
	tbl := &Table{Path: "x", Rows: [][]int32{{1, 2, 3}, {4}}, Labels: []string{"spam", "ham"}}
	c, err := NewClasses(tbl, []string{"ham", "spam"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	b := c.Batch([]int{0, 1}, 3)
	if !reflect.DeepEqual(b.IDs, []int32{1, 2, 4, 0, 0, 0}) || !reflect.DeepEqual(b.Targets, []int32{1, 0, 0}) ||
		!reflect.DeepEqual(b.Weights, []float32{1, 1, 0}) {
		t.Fatalf("batch %+v", b)
	}
	if _, err := NewClasses(tbl, []string{"ham"}, 2); err == nil {
		t.Fatal("an unknown label was accepted")
	}
}

func TestSortLabels(t *testing.T) {
	l := []string{"10", "9", "-1"}
	SortLabels(l, true)
	if !reflect.DeepEqual(l, []string{"-1", "9", "10"}) {
		t.Fatalf("numeric sort: %v", l)
	}
	SortLabels(l, false)
	if !reflect.DeepEqual(l, []string{"-1", "10", "9"}) {
		t.Fatalf("text sort: %v", l)
	}
}
