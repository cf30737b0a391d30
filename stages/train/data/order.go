package data

import "math/rand/v2"

// Order is the training order of n items: a fresh seeded permutation every
// epoch, addressed by position in the endless stream of epochs. The item at a
// position depends only on the seed and the position, so a resumed training
// continues exactly where it stopped.
type Order struct {
	n     int
	seed  int64
	epoch int64
	perm  []int
}

// NewOrder returns the order of n items for seed.
func NewOrder(n int, seed int64) *Order { return &Order{n: n, seed: seed, epoch: -1} }

// At returns the item at stream position pos (0-based).
func (o *Order) At(pos int64) int {
	e := pos / int64(o.n)
	if e != o.epoch {
		o.epoch = e
		o.perm = make([]int, o.n)
		for i := range o.perm {
			o.perm[i] = i
		}
		r := rand.New(rand.NewPCG(uint64(o.seed), uint64(e)+0x5851f42d4c957f2d))
		r.Shuffle(o.n, func(i, j int) { o.perm[i], o.perm[j] = o.perm[j], o.perm[i] })
	}
	return o.perm[pos%int64(o.n)]
}

// Items returns the count items starting at stream position from.
func (o *Order) Items(from int64, count int) []int {
	out := make([]int, count)
	for i := range out {
		out[i] = o.At(from + int64(i))
	}
	return out
}
