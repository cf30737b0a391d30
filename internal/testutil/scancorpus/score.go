package scancorpus

import (
	"fmt"
	"sort"
	"strings"
)

// Finding is what the scorer needs of a reported finding.
type Finding struct {
	// Path, Line and Column locate the finding as in Label.
	Path   string
	Line   int64
	Column string
	// Kind is the rule that reported it.
	Kind string
	// SHA256 is the hex SHA-256 of the reported secret.
	SHA256 string
}

// Score compares findings with labels.
type Score struct {
	// Labels is the number of planted secrets; Found how many were reported
	// at their path and line with their digest.
	Labels, Found int
	// WrongKind counts found secrets reported under another rule.
	WrongKind int
	// Missed lists the labels not found; Extra the findings matching no label
	// (decoys or duplicates).
	Missed []Label
	Extra  []Finding
}

// Recall is Found / Labels.
func (s *Score) Recall() float64 {
	if s.Labels == 0 {
		return 1
	}
	return float64(s.Found) / float64(s.Labels)
}

// Compute scores findings against labels. A label is found by a finding with
// the same path, line and secret digest (and, when the label has one, column).
func Compute(labels []Label, findings []Finding) *Score {
	type key struct {
		path string
		line int64
		sum  string
	}
	byKey := map[key][]int{}
	for i, f := range findings {
		k := key{f.Path, f.Line, f.SHA256}
		byKey[k] = append(byKey[k], i)
	}
	used := make([]bool, len(findings))
	s := &Score{Labels: len(labels)}
	for _, l := range labels {
		hit := -1
		for _, i := range byKey[key{l.Path, l.Line, l.SHA256}] {
			if !used[i] && (l.Column == "" || findings[i].Column == l.Column) {
				hit = i
				break
			}
		}
		if hit < 0 {
			s.Missed = append(s.Missed, l)
			continue
		}
		used[hit] = true
		s.Found++
		if findings[hit].Kind != l.Kind {
			s.WrongKind++
		}
	}
	for i, f := range findings {
		if !used[i] {
			s.Extra = append(s.Extra, f)
		}
	}
	return s
}

// Summary describes the score, with recall by kind and by container.
func (s *Score) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "recall %.1f%% (%d/%d), wrong kind %d, extra findings %d\n", 100*s.Recall(), s.Found, s.Labels, s.WrongKind, len(s.Extra))
	missedBy := map[string]int{}
	for _, m := range s.Missed {
		missedBy[m.Kind]++
	}
	var kinds []string
	for k := range missedBy {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(&b, "  missed %-26s %d\n", k, missedBy[k])
	}
	for _, m := range s.Missed {
		fmt.Fprintf(&b, "  missed %s:%d [%s] %s\n", m.Path, m.Line, m.Column, m.Kind)
	}
	for _, e := range s.Extra {
		fmt.Fprintf(&b, "  extra  %s:%d [%s] %s\n", e.Path, e.Line, e.Column, e.Kind)
	}
	return b.String()
}
