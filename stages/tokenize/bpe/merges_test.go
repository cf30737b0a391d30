package bpe

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// abcMerges: a b -> 10, b c -> 11, 10 c -> 12, a a -> 13.
func abcMerges() *Merges {
	m := NewMerges(4)
	m.Add(0, 1, 10)
	m.Add(1, 2, 11)
	m.Add(10, 2, 12)
	m.Add(0, 0, 13)
	m.Add(0, 1, 99) // a duplicate keeps its first rank and id
	return m
}

func TestApply(t *testing.T) {
	tests := []struct {
		name string
		in   []int32
		want []int32
	}{
		{"empty", []int32{}, []int32{}},
		{"single", []int32{0}, []int32{0}},
		{"lowest rank first", []int32{0, 1, 2}, []int32{12}},
		{"b c when a is absent", []int32{1, 2}, []int32{11}},
		{"leftmost of equals", []int32{0, 0, 0}, []int32{13, 0}},
		{"no rule", []int32{2, 1}, []int32{2, 1}},
		{"chain", []int32{0, 1, 2, 0, 1, 2, 1, 2}, []int32{12, 12, 11}},
	}
	m := abcMerges()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]int32{}, tt.in...)
			if got := m.Apply(in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Apply(%v) = %v, want %v", tt.in, got, tt.want)
			}
			in = append([]int32{}, tt.in...)
			if len(in) > 0 {
				if got := m.applyHeap(in); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("applyHeap(%v) = %v, want %v", tt.in, got, tt.want)
				}
			}
		})
	}
}

// TestApplyHeapMatchesScan compares the two merge loops on random input.
func TestApplyHeapMatchesScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := NewMerges(0)
	next := int32(8)
	for range 200 {
		a, b := rng.Int32N(next), rng.Int32N(next)
		m.Add(a, b, next)
		next++
	}
	for i := range 500 {
		n := 2 + rng.IntN(heapThreshold-2)
		in := make([]int32, n)
		for j := range in {
			in[j] = rng.Int32N(8)
		}
		a := m.Apply(append([]int32(nil), in...))
		b := m.applyHeap(append([]int32(nil), in...))
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("case %d: scan %v, heap %v for %v", i, a, b, in)
		}
	}
}

func TestTrain(t *testing.T) {
	// Symbols: 0=l 1=o 2=w 3=e 4=r; words: low x5, lower x2, lowe x1.
	words := []Word{{Syms: []int32{0, 1, 2}, Count: 5}, {Syms: []int32{0, 1, 2, 3, 4}, Count: 2}, {Syms: []int32{0, 1, 2, 3}, Count: 1}}
	names := map[int32]string{0: "l", 1: "o", 2: "w", 3: "e", 4: "r"}
	ids := map[string]int32{}
	next := int32(5)
	concat := func(a, b int32) int32 {
		s := names[a] + names[b]
		if id, ok := ids[s]; ok {
			return id
		}
		ids[s], names[next] = next, s
		next++
		return next - 1
	}
	merges := Train(words, TrainOptions{MaxMerges: 10, MinFrequency: 2, Concat: concat})
	var got []string
	for _, m := range merges {
		got = append(got, names[m.A]+"+"+names[m.B])
	}
	// l+o (8), lo+w (8), low+e (3), lowe+r (2); then nothing occurs twice.
	want := []string{"l+o", "lo+w", "low+e", "lowe+r"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merges %v, want %v", got, want)
	}
	if !reflect.DeepEqual(words[1].Syms, []int32{ids["lower"]}) {
		t.Errorf("lower is %v after training", words[1].Syms)
	}
}
