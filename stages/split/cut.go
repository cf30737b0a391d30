package split

import (
	"math"
	"sort"
)

// cut divides n rows among splits in proportion to fractions: each gets
// floor(n*f), and the rows left over go one each to the splits with the
// largest remainders (ties to the earlier name). Each count is within one
// row of n*f and the counts sum to n.
func cut(n int, fractions []float64) []int {
	counts := make([]int, len(fractions))
	rem := make([]float64, len(fractions))
	left := n
	for i, f := range fractions {
		exact := float64(n) * f
		counts[i] = int(math.Floor(exact + 1e-9))
		rem[i] = exact - float64(counts[i])
		left -= counts[i]
	}
	order := make([]int, len(fractions))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rem[order[a]] > rem[order[b]] })
	for k := 0; left > 0; k = (k + 1) % len(order) {
		counts[order[k]]++
		left--
	}
	for left < 0 { // floating error pushed a floor up; take it back
		for _, i := range order {
			if left < 0 && counts[i] > 0 {
				counts[i]--
				left++
			}
		}
	}
	return counts
}

// bucket maps a 64-bit hash to a split: the unit interval is cut at the
// cumulative fractions, in the order of the split names.
func bucket(h uint64, cumulative []float64) int {
	u := float64(h>>11) / (1 << 53)
	for i, c := range cumulative {
		if u < c {
			return i
		}
	}
	return len(cumulative) - 1
}

// cumulate returns the running sums of fractions.
func cumulate(fractions []float64) []float64 {
	out := make([]float64, len(fractions))
	sum := 0.0
	for i, f := range fractions {
		sum += f
		out[i] = sum
	}
	return out
}
