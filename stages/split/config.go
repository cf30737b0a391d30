package split

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/mlpipe/pipeline/stages"
)

// Split methods.
const (
	methodHash  = "hash"
	methodExact = "exact"
)

// config is a split stage's checked parameters.
type config struct {
	names     []string  // output ports, sorted
	fractions []float64 // by names
	seed      int64
	key       string
	stratify  string
	method    string
	dedupe    bool
}

// sumTolerance is how far from 1 the fractions may sum.
const sumTolerance = 1e-6

// parseConfig checks params; seed is the default seed.
func parseConfig(params map[string]any, seed int64) (*config, error) {
	completed, err := stages.Complete(Kind{}.Schema(), params)
	if err != nil {
		return nil, fmt.Errorf("reading split parameters: %w", err)
	}
	p := stages.Params(completed)
	c := &config{
		seed:     p.Int("seed", seed),
		key:      p.String("key"),
		stratify: p.String("stratify"),
		method:   p.String("method"),
		dedupe:   p.Bool("dedupe"),
	}
	fr := p.Map("fractions")
	if len(fr) == 0 {
		return nil, fmt.Errorf("with.fractions: required, e.g. {train: 0.8, test: 0.2}")
	}
	for name := range fr {
		c.names = append(c.names, name)
	}
	sort.Strings(c.names)
	sum := 0.0
	for _, name := range c.names {
		if name == "" || strings.ContainsAny(name, "./\\ \t\n") {
			return nil, fmt.Errorf("with.fractions: %q is not a valid port name", name)
		}
		f := fr.Float(name, math.NaN())
		if math.IsNaN(f) || f <= 0 || f > 1 {
			return nil, fmt.Errorf("with.fractions.%s: %v is not a fraction in (0, 1]", name, fr[name])
		}
		c.fractions = append(c.fractions, f)
		sum += f
	}
	if math.Abs(sum-1) > sumTolerance {
		return nil, fmt.Errorf("with.fractions: they sum to %g, not 1", sum)
	}
	return c, nil
}
