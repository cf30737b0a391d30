package baseline

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// markovStream draws a stream from a random second-order Markov chain over
// vocab tokens, so that longer histories predict better.
func markovStream(n, vocab int, seed uint64) []int32 {
	r := rand.New(rand.NewPCG(seed, 2))
	next := make([][]int32, vocab*vocab) // each pair's few likely successors
	for i := range next {
		next[i] = []int32{int32(r.IntN(vocab)), int32(r.IntN(vocab)), int32(r.IntN(vocab))}
	}
	s := []int32{0, 1}
	for len(s) < n {
		a, b := s[len(s)-2], s[len(s)-1]
		t := next[int(a)*vocab+int(b)][r.IntN(3)]
		if r.IntN(10) == 0 {
			t = int32(r.IntN(vocab))
		}
		s = append(s, t)
	}
	return s
}

// Every distribution the model gives sums to one: at every order, for full,
// short, seen and unseen histories.
func TestKneserNeyDistributionsSumToOne(t *testing.T) {
	const vocab = 9
	stream := markovStream(3000, vocab, 1)
	for _, order := range []int{1, 2, 3, 4} {
		m, err := TrainKneserNey(stream, order, vocab)
		if err != nil {
			t.Fatal(err)
		}
		histories := [][]int32{nil, {3}, {0, 1}, {8, 8, 8}, stream[100:103], stream[2000:2004], {4, 2, 7}}
		for _, h := range histories {
			var sum float64
			for w := int32(0); w < vocab; w++ {
				p := m.Prob(h, w)
				if p <= 0 || p > 1 {
					t.Fatalf("order %d: P(%d | %v) = %v", order, w, h, p)
				}
				sum += p
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("order %d: P(· | %v) sums to %.12f", order, h, sum)
			}
		}
	}
}

// naiveKN is the same model written straight from its definition, with
// maps keyed by the n-gram's text: the sorted-array model must give the
// same probabilities.
type naiveKN struct {
	order, vocab int
	raw, cont    []map[string]int // by order k-1, n-gram → count
	disc         [][2][4]float64  // by order k-1: plain, continuation
}

func key(toks []int32) string { return fmt.Sprint(toks) }

func newNaiveKN(stream []int32, order, vocab int) *naiveKN {
	n := &naiveKN{order: order, vocab: vocab}
	for k := 1; k <= order; k++ {
		raw := map[string]int{}
		for i := 0; i+k <= len(stream); i++ {
			raw[key(stream[i:i+k])]++
		}
		n.raw = append(n.raw, raw)
	}
	for k := 1; k <= order; k++ {
		cont := map[string]int{}
		if k < order {
			left := map[string]map[int32]bool{}
			for i := 1; i+k <= len(stream); i++ {
				g := key(stream[i : i+k])
				if left[g] == nil {
					left[g] = map[int32]bool{}
				}
				left[g][stream[i-1]] = true
			}
			for g, s := range left {
				cont[g] = len(s)
			}
		}
		n.cont = append(n.cont, cont)
		var d [2][4]float64
		d[0] = discounts(values(n.raw[k-1]))
		d[1] = discounts(values(cont))
		n.disc = append(n.disc, d)
	}
	return n
}

func values(m map[string]int) []uint32 {
	var out []uint32
	for _, v := range m {
		out = append(out, uint32(v))
	}
	return out
}

func (n *naiveKN) prob(h []int32, w int32, top bool) float64 {
	k := len(h) + 1
	lower := 1 / float64(n.vocab)
	if k > 1 {
		lower = n.prob(h[1:], w, false)
	}
	counts, d := n.raw[k-1], n.disc[k-1][0]
	if !top && k < n.order {
		counts, d = n.cont[k-1], n.disc[k-1][1]
	}
	var sum, n1, n2, n3 float64
	for v := int32(0); v < int32(n.vocab); v++ {
		c := counts[key(append(append([]int32{}, h...), v))]
		sum += float64(c)
		switch {
		case c == 1:
			n1++
		case c == 2:
			n2++
		case c >= 3:
			n3++
		}
	}
	if sum == 0 {
		return lower
	}
	c := counts[key(append(append([]int32{}, h...), w))]
	gamma := (d[1]*n1 + d[2]*n2 + d[3]*n3) / sum
	return math.Max(float64(c)-d[min(c, 3)], 0)/sum + gamma*lower
}

func TestKneserNeyMatchesItsDefinition(t *testing.T) {
	const vocab, order = 7, 3
	stream := markovStream(2000, vocab, 3)
	m, err := TrainKneserNey(stream, order, vocab)
	if err != nil {
		t.Fatal(err)
	}
	ref := newNaiveKN(stream, order, vocab)
	test := markovStream(300, vocab, 4)
	for i := range test {
		h := test[max(0, i-(order-1)):i]
		got, want := m.Prob(h, test[i]), ref.prob(h, test[i], true)
		if math.Abs(got-want) > 1e-12 {
			t.Fatalf("P(%d | %v) = %v, want %v", test[i], h, got, want)
		}
	}
}

// Longer n-grams predict a second-order chain better, and the model beats
// the uniform distribution by far.
func TestKneserNeyLearnsTheChain(t *testing.T) {
	const vocab = 20
	train, test := markovStream(20000, vocab, 5), markovStream(2000, vocab, 5)
	ppl := func(order int) float64 {
		m, err := TrainKneserNey(train, order, vocab)
		if err != nil {
			t.Fatal(err)
		}
		var nll float64
		for i := 2; i < len(test); i++ {
			nll -= math.Log(m.Prob(test[max(0, i-order+1):i], test[i]))
		}
		return math.Exp(nll / float64(len(test)-2))
	}
	p1, p2, p3 := ppl(1), ppl(2), ppl(3)
	if !(p3 < p2 && p2 < p1 && p1 < vocab) || p3 > 5 {
		t.Errorf("perplexities by order 1, 2, 3: %.2f %.2f %.2f (uniform %d)", p1, p2, p3, vocab)
	}
}

func TestDiscountsFromCountsOfCounts(t *testing.T) {
	// n1=4, n2=2, n3=1, n4=1: Y = 4/8 = 0.5, D1 = 1-2·0.5·2/4 = 0.5,
	// D2 = 2-3·0.5·1/2 = 1.25, D3+ = 3-4·0.5·1/1 = 1.
	d := discounts([]uint32{1, 1, 1, 1, 2, 2, 3, 4, 9})
	want := [4]float64{0, 0.5, 1.25, 1}
	for i := range d {
		if math.Abs(d[i]-want[i]) > 1e-12 {
			t.Errorf("discounts %v, want %v", d, want)
		}
	}
	// Singletons only: Y = 1 is out of range and falls back to 0.5; D1 is
	// still estimated (1 - 2Y·0/3 = 1), D2 and D3+ have no counts of counts
	// to divide by and are Y.
	if d := discounts([]uint32{1, 1, 1}); d != [4]float64{0, 1, 0.5, 0.5} {
		t.Errorf("discounts of singletons only: %v", d)
	}
}

func TestKneserNeyBadInput(t *testing.T) {
	for _, c := range []struct {
		stream       []int32
		order, vocab int
		want         string
	}{
		{[]int32{1, 2}, 0, 10, "order 0"},
		{[]int32{1, 2}, 2, 0, "vocabulary size 0"},
		{[]int32{1, 12}, 2, 10, "token 12 at position 1 is outside the vocabulary of 10"},
		{[]int32{1, 2}, 5, 1 << 16, "order 5 over a vocabulary of 65536 tokens needs 80 bits a key: at most 64 (order at most 4)"},
	} {
		_, err := TrainKneserNey(c.stream, c.order, c.vocab)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("order %d vocab %d: %v, want %q", c.order, c.vocab, err, c.want)
		}
	}
}
