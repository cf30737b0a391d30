package pipeline

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

// Reserved keys of `sweep:` that hold groups rather than one parameter.
const (
	// sweepZip holds parameters whose lists advance together.
	sweepZip = "zip"
	// sweepRandom holds a seeded random search: count points drawn from
	// each parameter's distribution.
	sweepRandom = "random"
)

// maxRandomPoints bounds a random search's count.
const maxRandomPoints = 10000

// parseZip reads `zip: {a: [..], b: [..]}`: lists of one length, value i of
// each taken with value i of the others.
func parseZip(e *errs, d *Definition, z *node, group int) []SweepAxis {
	var axes []SweepAxis
	n := -1
	for _, k := range z.Keys {
		v := z.Map[k]
		if v.Kind != listNode || len(v.List) == 0 {
			e.at(v, "sweep zip `%s` must be a non-empty list of values", k)
			continue
		}
		if _, ok := lookupPath(d.Params, k); !ok {
			e.at(z.keyNode(k), "sweep zip key `%s` matches no parameter in `params`%s", k, didYouMean(k, paramPaths(d.Params)))
			continue
		}
		if n >= 0 && len(v.List) != n {
			e.at(v, "sweep zip `%s` has %d values, the others %d: zipped lists have one length", k, len(v.List), n)
			continue
		}
		n = len(v.List)
		axes = append(axes, SweepAxis{Key: k, Values: v.toAny().([]any), Group: group, node: v})
	}
	if len(z.Keys) == 0 {
		e.at(z, "sweep `zip` names no parameters")
	}
	return axes
}

// parseRandom reads `random: {count: N, seed: S, params: {key: dist}}` and
// draws the points now, so that the definition alone fixes them. A
// distribution is a list (a choice), `{uniform: [lo, hi]}`,
// `{log_uniform: [lo, hi]}` (lo > 0) or `{int: [lo, hi]}` (inclusive).
// Floats are rounded to 4 significant digits, so instance names stay short.
func parseRandom(e *errs, d *Definition, r *node, group int) []SweepAxis {
	for _, k := range r.Keys {
		if k != "count" && k != "seed" && k != "params" {
			e.at(r.keyNode(k), "sweep random: unknown key `%s` (count, seed, params)", k)
		}
	}
	count, ok := intOf(r.get("count"))
	if !ok || count < 1 || count > maxRandomPoints {
		e.at(orNode(r.get("count"), r), "sweep random: `count` must be a whole number from 1 to %d", maxRandomPoints)
		return nil
	}
	seed, ok := intOf(r.get("seed"))
	if !ok {
		e.at(orNode(r.get("seed"), r), "sweep random: `seed` must be a whole number (the same seed draws the same points)")
		return nil
	}
	ps := r.get("params")
	if ps == nil || ps.Kind != mapNode || len(ps.Keys) == 0 {
		e.at(orNode(ps, r), "sweep random: `params` must map parameters to distributions")
		return nil
	}
	rng := rand.NewPCG(uint64(seed), 0x6d6c70697065)
	draws := make([]func() any, len(ps.Keys))
	for i, k := range ps.Keys {
		if _, ok := lookupPath(d.Params, k); !ok {
			e.at(ps.keyNode(k), "sweep random key `%s` matches no parameter in `params`%s", k, didYouMean(k, paramPaths(d.Params)))
			return nil
		}
		if draws[i] = distribution(e, ps.Map[k], k, rng); draws[i] == nil {
			return nil
		}
	}
	axes := make([]SweepAxis, len(ps.Keys))
	for i, k := range ps.Keys {
		axes[i] = SweepAxis{Key: k, Group: group, node: ps.Map[k]}
	}
	// Point by point, parameter by parameter: adding a parameter at the
	// end keeps the others' draws of earlier points.
	for range count {
		for i := range axes {
			axes[i].Values = append(axes[i].Values, draws[i]())
		}
	}
	return axes
}

// distribution returns a function drawing one value of n's distribution.
func distribution(e *errs, n *node, key string, rng *rand.PCG) func() any {
	unit := func() float64 { return float64(rng.Uint64()>>11) / (1 << 53) }
	if n.Kind == listNode && len(n.List) > 0 {
		vals := n.toAny().([]any)
		return func() any { return normalize(vals[rng.Uint64()%uint64(len(vals))]) }
	}
	if n.Kind != mapNode || len(n.Keys) != 1 {
		e.at(n, "sweep random `%s`: a distribution is a list of choices or one of {uniform: [lo, hi]}, {log_uniform: [lo, hi]}, {int: [lo, hi]}", key)
		return nil
	}
	kind := n.Keys[0]
	b := n.Map[kind]
	var lo, hi float64
	okRange := b.Kind == listNode && len(b.List) == 2
	if okRange {
		var ok1, ok2 bool
		lo, ok1 = floatOf(b.List[0])
		hi, ok2 = floatOf(b.List[1])
		okRange = ok1 && ok2 && lo <= hi
	}
	if !okRange {
		e.at(b, "sweep random `%s`: `%s` takes [lo, hi], two numbers with lo <= hi", key, kind)
		return nil
	}
	switch kind {
	case "uniform":
		return func() any { return round4(lo + (hi-lo)*unit()) }
	case "log_uniform":
		if lo <= 0 {
			e.at(b, "sweep random `%s`: log_uniform needs lo > 0", key)
			return nil
		}
		return func() any { return round4(math.Exp(math.Log(lo) + (math.Log(hi)-math.Log(lo))*unit())) }
	case "int":
		if lo != math.Trunc(lo) || hi != math.Trunc(hi) {
			e.at(b, "sweep random `%s`: int takes whole bounds", key)
			return nil
		}
		span := uint64(hi-lo) + 1
		return func() any { return int64(lo) + int64(rng.Uint64()%span) }
	}
	e.at(n.keyNode(kind), "sweep random `%s`: unknown distribution `%s` (uniform, log_uniform, int, or a list of choices)", key, kind)
	return nil
}

// round4 rounds to 4 significant digits.
func round4(x float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 4, 64), 64)
	return f
}

func intOf(n *node) (int64, bool) {
	if n == nil {
		return 0, false
	}
	switch v := normalize(n.toAny()).(type) {
	case int64:
		return v, true
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v), true
		}
	}
	return 0, false
}

func floatOf(n *node) (float64, bool) {
	switch v := normalize(n.toAny()).(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

// checkSweepKeys reports a parameter swept twice (in the grid and a group).
func checkSweepKeys(e *errs, axes []SweepAxis) {
	seen := map[string]bool{}
	for _, ax := range axes {
		if seen[ax.Key] {
			e.at(ax.node, "sweep: `%s` is swept twice", ax.Key)
		}
		seen[ax.Key] = true
	}
}

// withoutKeys returns the axes not named in keys (a `--set` fixes a swept
// parameter to one value, replacing its axis).
func withoutKeys(axes []SweepAxis, keys []string) []SweepAxis {
	var out []SweepAxis
	for _, ax := range axes {
		if !slices.Contains(keys, ax.Key) {
			out = append(out, ax)
		}
	}
	return out
}

// sweepPoints returns every point of the sweep: the cartesian product of
// the grid's axes and the groups (each group's axes advancing together);
// one empty point when there is no sweep.
func sweepPoints(axes []SweepAxis) []map[string]any {
	points := []map[string]any{{}}
	var groups [][]SweepAxis
	index := map[int]int{}
	for _, ax := range axes {
		if ax.Group == 0 {
			groups = append(groups, []SweepAxis{ax})
			continue
		}
		if i, ok := index[ax.Group]; ok {
			groups[i] = append(groups[i], ax)
			continue
		}
		index[ax.Group] = len(groups)
		groups = append(groups, []SweepAxis{ax})
	}
	for _, g := range groups {
		var next []map[string]any
		for _, p := range points {
			for i := range g[0].Values {
				q := make(map[string]any, len(p)+len(g))
				for k, x := range p {
					q[k] = x
				}
				for _, ax := range g {
					q[ax.Key] = normalize(ax.Values[i])
				}
				next = append(next, q)
			}
		}
		points = next
	}
	return points
}
