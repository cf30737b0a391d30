package rules

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Match is one accepted secret.
type Match struct {
	// Rule is the rule that found it.
	Rule *Rule
	// Start and End delimit the whole match in the scanned buffer.
	Start, End int
	// SecretStart and SecretEnd delimit the secret in the scanned buffer.
	SecretStart, SecretEnd int
	// Secret is the secret's canonical text (it may alias the buffer). Callers
	// hash it and drop it; it must never be printed or stored.
	Secret []byte
	// Preview is a redacted rendering safe to print.
	Preview string
}

// Detector runs a set of rules over buffers. It is safe for concurrent use.
type Detector struct {
	rules []*Rule
	kw    *keywordSet
	// byKeyword[id] lists the rules that use keyword id, with the keyword as the
	// rule spells it (for exact-case comparison).
	byKeyword [][]keywordUse
	groups    []ruleGroups
}

type keywordUse struct {
	rule  int
	exact string // non-empty when the rule compares case
}

// ruleGroups holds the submatch indexes of a rule's named groups.
type ruleGroups struct {
	secret []int
	key    []int
}

// New compiles a detector for rules. Rules earlier in the list win when two
// rules find overlapping secrets, and generic rules always yield to specific ones.
func New(rules []*Rule) (*Detector, error) {
	d := &Detector{rules: rules, groups: make([]ruleGroups, len(rules))}
	ids := map[string]int{}
	var words []string
	for ri, r := range rules {
		if (r.Pattern == nil) == (r.Extract == nil) {
			return nil, fmt.Errorf("compiling rule %s: exactly one of Pattern and Extract must be set", r.ID)
		}
		if len(r.Keywords) == 0 {
			return nil, fmt.Errorf("compiling rule %s: no keywords", r.ID)
		}
		for _, w := range r.Keywords {
			lw := strings.ToLower(w)
			id, ok := ids[lw]
			if !ok {
				id = len(words)
				ids[lw] = id
				words = append(words, lw)
				d.byKeyword = append(d.byKeyword, nil)
			}
			use := keywordUse{rule: ri}
			if r.ExactCase {
				use.exact = w
			}
			d.byKeyword[id] = append(d.byKeyword[id], use)
		}
		var g ruleGroups
		if r.Pattern != nil {
			for i, name := range r.Pattern.SubexpNames() {
				switch {
				case strings.HasPrefix(name, "secret"):
					g.secret = append(g.secret, i)
				case strings.HasPrefix(name, "key"):
					g.key = append(g.key, i)
				}
			}
		}
		d.groups[ri] = g
	}
	d.kw = newKeywordSet(words)
	return d, nil
}

// Rules returns the detector's rules in priority order.
func (d *Detector) Rules() []*Rule { return d.rules }

type window struct {
	lo, hi int
	live   bool
}

// Find returns the secrets in buf, ordered by position, with overlaps between
// rules resolved in favour of the more specific rule.
func (d *Detector) Find(buf []byte, hints Hints) []Match {
	var cands []cand
	pend := make([]window, len(d.rules))
	emitFor := func(ri int) func(Candidate) {
		return func(c Candidate) {
			if d.accept(ri, &c) {
				cands = append(cands, cand{rule: ri, c: c})
			}
		}
	}
	run := func(ri int, w window) {
		d.runRule(ri, buf, w.lo, w.hi, hints, emitFor(ri))
	}
	d.kw.find(buf, func(h hit) {
		kwLen := len(d.kw.words[h.id])
		start := h.end - kwLen
		for _, use := range d.byKeyword[h.id] {
			if use.exact != "" && string(buf[start:h.end]) != use.exact {
				continue
			}
			r := d.rules[use.rule]
			if r.Quick != nil && !r.Quick(buf, start, h.end) {
				continue
			}
			lo, hi := start-r.Before, h.end+r.After
			if lo < 0 {
				lo = 0
			}
			if hi > len(buf) {
				hi = len(buf)
			}
			if !r.Multiline {
				if i := bytes.LastIndexByte(buf[lo:start], '\n'); i >= 0 {
					lo += i + 1
				}
				if i := bytes.IndexByte(buf[h.end:hi], '\n'); i >= 0 {
					hi = h.end + i
				}
			}
			p := &pend[use.rule]
			if p.live && lo <= p.hi {
				if hi > p.hi {
					p.hi = hi
				}
				continue
			}
			if p.live {
				run(use.rule, *p)
			}
			*p = window{lo: lo, hi: hi, live: true}
		}
	})
	for ri, p := range pend {
		if p.live {
			run(ri, p)
		}
	}
	return d.resolve(cands)
}

type cand struct {
	rule int
	c    Candidate
}

// runRule runs rule ri over buf[lo:hi].
func (d *Detector) runRule(ri int, buf []byte, lo, hi int, hints Hints, emit func(Candidate)) {
	r := d.rules[ri]
	if r.Extract != nil {
		r.Extract(buf, lo, hi, func(c Candidate) {
			c.Buf, c.Hints = buf, hints
			emit(c)
		})
		return
	}
	g := d.groups[ri]
	for _, m := range r.Pattern.FindAllSubmatchIndex(buf[lo:hi], -1) {
		c := Candidate{Start: lo + m[0], End: lo + m[1], Buf: buf, Hints: hints}
		c.SecretStart, c.SecretEnd = c.Start, c.End
		for _, gi := range g.secret {
			if m[2*gi] >= 0 && m[2*gi+1] > m[2*gi] {
				c.SecretStart, c.SecretEnd = lo+m[2*gi], lo+m[2*gi+1]
				break
			}
		}
		c.KeyStart, c.KeyEnd = c.SecretStart, c.SecretStart
		for _, gi := range g.key {
			if m[2*gi] >= 0 && m[2*gi+1] > m[2*gi] {
				c.KeyStart, c.KeyEnd = lo+m[2*gi], lo+m[2*gi+1]
				break
			}
		}
		emit(c)
	}
}

// accept applies the rule's generic checks and its own Check.
func (d *Detector) accept(ri int, c *Candidate) bool {
	r := d.rules[ri]
	s := c.Secret()
	if len(s) < r.MinLen {
		return false
	}
	if r.Token != nil {
		if c.SecretStart > 0 && r.Token.has(c.Buf[c.SecretStart-1]) && !escapedBefore(c.Buf, c.SecretStart) {
			return false
		}
		if c.SecretEnd < len(c.Buf) && r.Token.has(c.Buf[c.SecretEnd]) {
			return false
		}
	}
	vis := r.Visible
	if vis > len(s) {
		vis = len(s)
	}
	random := s[vis:]
	if r.Random != nil {
		random = r.Random(s)
	}
	if r.MinEntropy > 0 && entropy(random) < r.MinEntropy {
		return false
	}
	if documentedExamples[string(s)] || IsPlaceholder(random) {
		return false
	}
	return r.Check == nil || r.Check(c)
}

// escapedBefore reports whether buf[i-2:i] is a backslash escape such as \n,
// so that a token right after an escaped line break still has a boundary.
func escapedBefore(buf []byte, i int) bool {
	if i < 2 || buf[i-2] != '\\' {
		return false
	}
	switch buf[i-1] {
	case 'n', 'r', 't':
		return true
	}
	return false
}

// resolve orders candidates and drops those overlapping a better one.
func (d *Detector) resolve(cands []cand) []Match {
	if len(cands) == 0 {
		return nil
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i].c, cands[j].c
		if a.SecretStart != b.SecretStart {
			return a.SecretStart < b.SecretStart
		}
		return cands[i].rule < cands[j].rule
	})
	better := func(a, b cand) bool { // a preferred over b
		ga, gb := d.rules[a.rule].Generic, d.rules[b.rule].Generic
		if ga != gb {
			return !ga
		}
		return a.rule < b.rule
	}
	kept := cands[:0:0]
	for _, c := range cands {
		n := len(kept)
		if n > 0 && c.c.SecretStart < kept[n-1].c.SecretEnd {
			if better(c, kept[n-1]) {
				kept[n-1] = c
			}
			continue
		}
		kept = append(kept, c)
	}
	out := make([]Match, len(kept))
	for i, k := range kept {
		r := d.rules[k.rule]
		secret := k.c.Secret()
		if r.Normalize != nil {
			secret = r.Normalize(secret)
		}
		out[i] = Match{
			Rule: r, Start: k.c.Start, End: k.c.End,
			SecretStart: k.c.SecretStart, SecretEnd: k.c.SecretEnd,
			Secret: secret, Preview: preview(r, &k.c),
		}
	}
	return out
}

// preview renders a candidate with its secret masked: the text from the
// assigned name up to the secret (at most 48 bytes), the secret's public
// format prefix, and a fixed mask that does not reveal the secret's length.
func preview(r *Rule, c *Candidate) string {
	var b strings.Builder
	if c.KeyEnd > c.KeyStart && c.KeyStart < c.SecretStart {
		ctx := c.Buf[c.KeyStart:c.SecretStart]
		if len(ctx) > 48 {
			ctx = ctx[len(ctx)-48:]
		}
		b.WriteString(strings.Join(strings.Fields(string(ctx)), " "))
	}
	s := c.Secret()
	vis := r.Visible
	if r.VisibleTo != nil {
		vis = r.VisibleTo(s)
	}
	if vis > len(s) {
		vis = len(s)
	}
	for vis > 0 && !utf8.Valid(s[:vis]) {
		vis--
	}
	b.Write(s[:vis])
	b.WriteString("****")
	return strings.ToValidUTF8(b.String(), "?")
}
