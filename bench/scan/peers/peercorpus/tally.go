package peercorpus

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/mlpipe/pipeline/bench/scan/peers/family"
)

// Counts are one scanner's outcomes on one family's cases.
type Counts struct {
	// Pos and Neg count the positive and negative cases.
	Pos, Neg int
	// TP counts positive cases with a relevant finding; FP negative ones.
	TP, FP int
}

// Recall is TP/Pos in percent (0 without positive cases).
func (c Counts) Recall() float64 { return pct(c.TP, c.Pos) }

// FPRate is FP/Neg in percent (0 without negative cases).
func (c Counts) FPRate() float64 { return pct(c.FP, c.Neg) }

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// Tally is per-family counts of one scanner on one corpus, keyed by family.
type Tally map[string]*Counts

// Score counts a scanner's findings on cases written by Write. found maps a
// case's file name (relative to the corpus directory, slash-separated or
// not) to the rule ids reported in it; a finding is relevant to a case when
// family.Relevant says so for the rule's family.
func Score(cases []Case, found map[string][]string) Tally {
	t := Tally{}
	norm := map[string][]string{}
	for k, v := range found {
		norm[filepath.ToSlash(filepath.Clean(k))] = append(norm[filepath.ToSlash(filepath.Clean(k))], v...)
	}
	for i, c := range cases {
		ct := t[c.Family]
		if ct == nil {
			ct = &Counts{}
			t[c.Family] = ct
		}
		hit := false
		for _, r := range norm[filepath.ToSlash(Name(i, c))] {
			if family.Relevant(c.Family, family.Of(r)) {
				hit = true
				break
			}
		}
		if c.Positive {
			ct.Pos++
			if hit {
				ct.TP++
			}
		} else {
			ct.Neg++
			if hit {
				ct.FP++
			}
		}
	}
	return t
}

// Total sums a tally over families, or over those for which keep is true.
func (t Tally) Total(keep func(string) bool) Counts {
	var s Counts
	for f, c := range t {
		if keep != nil && !keep(f) {
			continue
		}
		s.Pos += c.Pos
		s.Neg += c.Neg
		s.TP += c.TP
		s.FP += c.FP
	}
	return s
}

// WriteGolden writes a tally as stable text: one line per family, in the
// order of family.Families, with its raw counts.
func WriteGolden(w io.Writer, corpus string, t Tally) error {
	for _, f := range family.Families {
		c, ok := t[f]
		if !ok {
			continue
		}
		if _, err := fmt.Fprintf(w, "%s %-12s pos %4d tp %4d neg %4d fp %4d\n", corpus, f, c.Pos, c.TP, c.Neg, c.FP); err != nil {
			return fmt.Errorf("writing tally: %w", err)
		}
	}
	return nil
}

// WriteTable writes two scanners' tallies side by side: per family the
// cases, each scanner's recall and false-positive rate, and a total over the
// families for which covered is true and one over all.
func WriteTable(w io.Writer, names [2]string, a, b Tally, covered func(string) bool) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-14s %5s %5s | %-20s | %-20s\n", "family", "pos", "neg", names[0]+" recall/FP%", names[1]+" recall/FP%")
	row := func(name string, x, y Counts) {
		fmt.Fprintf(&sb, "%-14s %5d %5d | %7.1f%% %3d/%-3d %4.1f%% | %7.1f%% %3d/%-3d %4.1f%%\n", name, x.Pos, x.Neg,
			x.Recall(), x.FP, x.Neg, x.FPRate(), y.Recall(), y.FP, y.Neg, y.FPRate())
	}
	for _, f := range family.Families {
		x, ok := a[f]
		if !ok {
			continue
		}
		y := b[f]
		if y == nil {
			y = &Counts{Pos: x.Pos, Neg: x.Neg}
		}
		row(f, *x, *y)
	}
	row("covered", a.Total(covered), b.Total(covered))
	row("all", a.Total(nil), b.Total(nil))
	_, err := io.WriteString(w, sb.String())
	if err != nil {
		return fmt.Errorf("writing table: %w", err)
	}
	return nil
}
