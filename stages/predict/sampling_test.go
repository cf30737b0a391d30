package predict

import (
	"context"
	"math"
	"slices"
	"testing"
)

func TestPredictSamplingNext(t *testing.T) {
	logits := []float32{3, 2, 1, 0, 3}
	greedy := Sampling{Strategy: Greedy, Temperature: 1, TopP: 1, MaxNewTokens: 1, StopID: NoStop}
	if got := greedy.Next(logits, nil); got != 0 {
		t.Errorf("greedy chose %d, want 0 (the first of equals)", got)
	}
	draw := func(s Sampling, logits []float32, n int) []int {
		counts := make([]int, len(logits))
		r := RowRand(5, 0)
		for range n {
			counts[s.Next(logits, r)]++
		}
		return counts
	}
	s := greedy
	s.Strategy = Sample
	if c := draw(s, []float32{float32(math.Log(0.5)), float32(math.Log(0.3)), float32(math.Log(0.2))}, 20000); math.Abs(float64(c[0])/20000-0.5) > 0.02 ||
		math.Abs(float64(c[1])/20000-0.3) > 0.02 || math.Abs(float64(c[2])/20000-0.2) > 0.02 {
		t.Errorf("sampling 0.5, 0.3, 0.2 drew %v of 20000", c)
	}
	k := s
	k.TopK = 2
	if c := draw(k, []float32{0, 3, 1, 2}, 2000); c[0] != 0 || c[2] != 0 || c[1] == 0 || c[3] == 0 {
		t.Errorf("top_k 2 drew %v", c)
	}
	k.TopK = 1
	if c := draw(k, logits, 100); c[0] != 100 {
		t.Errorf("top_k 1 drew %v", c)
	}
	// Probabilities of 3, 2, 1, 0: about 0.644, 0.237, 0.087, 0.032.
	p := s
	p.TopP = 0.6
	if c := draw(p, []float32{3, 2, 1, 0}, 500); c[0] != 500 {
		t.Errorf("top_p 0.6 drew %v", c)
	}
	p.TopP = 0.85
	if c := draw(p, []float32{3, 2, 1, 0}, 2000); c[2] != 0 || c[3] != 0 || c[1] == 0 {
		t.Errorf("top_p 0.85 drew %v", c)
	}
	cold := s
	cold.Temperature = 1e-3
	if c := draw(cold, []float32{1, 1.1, 0.9}, 500); c[1] != 500 {
		t.Errorf("temperature 0.001 drew %v", c)
	}
	a, b, other := RowRand(9, 3), RowRand(9, 3), RowRand(9, 4)
	if x, y, z := a.Uint64(), b.Uint64(), other.Uint64(); x != y || x == z {
		t.Errorf("row streams: %d %d %d", x, y, z)
	}
}

func TestPredictShapes(t *testing.T) {
	s := Shape{Rows: 3, SeqLen: 100}
	for n, want := range map[int]int{1: 8, 8: 8, 9: 16, 33: 64, 65: 100, 100: 100} {
		if got := s.seq(n); got != want {
			t.Errorf("seq(%d) = %d, want %d", n, got, want)
		}
	}
	if got := (Shape{Rows: 1, SeqLen: 4}).seq(1); got != 4 {
		t.Errorf("seq_len 4: seq(1) = %d", got)
	}
	ids, mask, seq := s.pack([][]int32{{5, 6}, {7}})
	if seq != 8 || !slices.Equal(ids[:3], []int32{5, 6, 0}) || ids[8] != 7 || len(ids) != 24 ||
		!slices.Equal(mask[:3], []float32{1, 1, 0}) || mask[8] != 1 || mask[9] != 0 || mask[16] != 1 || mask[17] != 0 {
		t.Errorf("pack: seq %d, ids %v, mask %v", seq, ids, mask)
	}
	v := Shape{Rows: 2, SeqLen: 4, Vocab: 10}
	for _, rows := range [][][]int32{{{}}, {{1, 2, 3, 4, 5}}, {{1, 10}}, {{-1}}} {
		if err := v.check(rows, 0); err == nil {
			t.Errorf("check(%v) passed", rows)
		}
	}
}

// TestPredictGenerateWindows runs Generate on a fake language model whose
// most likely next token is the last one plus one (mod 10), and checks the
// batch shapes it is given, the sliding window and the stop token.
func TestPredictGenerateWindows(t *testing.T) {
	const vocab = 10
	shapes := map[[2]int]bool{}
	forward := func(ids []int32, mask []float32, rows, seq int) ([]float32, []int, error) {
		shapes[[2]int{rows, seq}] = true
		out := make([]float32, rows*seq*vocab)
		for r := range rows {
			for j := range seq {
				out[(r*seq+j)*vocab+int(ids[r*seq+j]+1)%vocab] = 5
			}
		}
		return out, []int{rows, seq, vocab}, nil
	}
	s := Sampling{Strategy: Greedy, Temperature: 1, TopP: 1, MaxNewTokens: 12, StopID: NoStop}
	shape := Shape{Rows: 2, SeqLen: 6, Vocab: vocab}
	got, err := Generate(context.Background(), forward, [][]int32{{1}, {3, 4, 5, 6, 7, 8, 9}, {2, 3}}, shape, s, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int32{{2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1}, {4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("generated %v, want %v", got, want)
	}
	// Windows of at most 6 tokens run at seq min(8, 6); every batch has 2 rows.
	if len(shapes) != 1 || !shapes[[2]int{2, 6}] {
		t.Errorf("batch shapes %v, want only [2 6]", shapes)
	}
	s.StopID = 5
	got, err = Generate(context.Background(), forward, [][]int32{{1}, {4}, {5}}, shape, s, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]int32{{2, 3, 4, 5}, {5}, {6, 7, 8, 9, 0, 1, 2, 3, 4, 5}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("stopping at 5: %v, want %v", got, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Generate(ctx, forward, [][]int32{{1}}, shape, s, 0); err == nil {
		t.Error("a cancelled generation succeeded")
	}
}
