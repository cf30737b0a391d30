package main

import (
	"regexp"
	"testing"
)

// TestSample checks that samples match their pattern and that a seed repeats.
func TestSample(t *testing.T) {
	for _, re := range []string{`[a-f0-9]{32}`, `AKIA[A-Z2-7]{16}`, `(?:ab|cd)+x?[0-9]{2,}`, `glpat-[a-z0-9_-]{20}`} {
		a, err := newSampler(re).sample(re)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := newSampler(re).sample(re)
		if a != b {
			t.Errorf("%q: two samples with one seed differ: %q %q", re, a, b)
		}
		if !regexp.MustCompile(`^(?:` + re + `)$`).MatchString(a) {
			t.Errorf("%q: sample %q does not match", re, a)
		}
	}
}
