package main

import (
	"fmt"
	"math/rand/v2"
	"regexp/syntax"
	"strings"
)

// sampler draws strings that a regular expression matches, from a seeded
// generator, so that the same seed gives the same corpus.
type sampler struct {
	rng *rand.Rand
}

// newSampler returns a sampler seeded from a name.
func newSampler(name string) *sampler {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	return &sampler{rng: rand.New(rand.NewPCG(h, 0x9e3779b97f4a7c15))}
}

// maxExtra bounds how far past its minimum an open repetition is drawn.
const maxExtra = 4

// sample returns a string matched by the expression re (Perl syntax).
func (s *sampler) sample(re string) (string, error) {
	tree, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return "", fmt.Errorf("parsing sample pattern %q: %w", re, err)
	}
	var b strings.Builder
	if err := s.walk(&b, tree.Simplify()); err != nil {
		return "", fmt.Errorf("sampling %q: %w", re, err)
	}
	return b.String(), nil
}

func (s *sampler) walk(b *strings.Builder, n *syntax.Regexp) error {
	switch n.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return nil
	case syntax.OpLiteral:
		b.WriteString(string(n.Rune))
	case syntax.OpCharClass:
		b.WriteRune(s.fromClass(n.Rune))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteRune(s.fromClass([]rune{'a', 'z', '0', '9'}))
	case syntax.OpCapture:
		return s.walk(b, n.Sub[0])
	case syntax.OpConcat:
		for _, sub := range n.Sub {
			if err := s.walk(b, sub); err != nil {
				return err
			}
		}
	case syntax.OpAlternate:
		return s.walk(b, n.Sub[s.rng.IntN(len(n.Sub))])
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := 0, maxExtra
		switch n.Op {
		case syntax.OpPlus:
			lo, hi = 1, 1+maxExtra
		case syntax.OpQuest:
			hi = 1
		case syntax.OpRepeat:
			lo, hi = n.Min, n.Max
			if hi < 0 {
				hi = lo + maxExtra
			}
		}
		for i, k := 0, lo+s.rng.IntN(hi-lo+1); i < k; i++ {
			if err := s.walk(b, n.Sub[0]); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("unsupported operator %v", n.Op)
	}
	return nil
}

// fromClass draws a rune from a class given as ranges, preferring printable
// ASCII so that a sample stays a plausible token.
func (s *sampler) fromClass(ranges []rune) rune {
	var ascii []rune
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := max(ranges[i], 0x21), min(ranges[i+1], 0x7e)
		if lo <= hi {
			ascii = append(ascii, lo, hi)
		}
	}
	if len(ascii) > 0 {
		ranges = ascii
	}
	total := 0
	for i := 0; i+1 < len(ranges); i += 2 {
		total += int(ranges[i+1]-ranges[i]) + 1
	}
	k := s.rng.IntN(total)
	for i := 0; i+1 < len(ranges); i += 2 {
		n := int(ranges[i+1]-ranges[i]) + 1
		if k < n {
			return ranges[i] + rune(k)
		}
		k -= n
	}
	return ranges[0]
}
