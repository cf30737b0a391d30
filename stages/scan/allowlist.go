package scan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// Allowlist drops findings by rule, path, secret value, secret digest or a
// regular expression over the secret.
type Allowlist struct {
	rules   map[string]bool
	paths   []*regexp.Regexp
	digests map[string]bool
	regexes []*regexp.Regexp
}

// NewAllowlist compiles an allowlist. Values are kept only as digests.
func NewAllowlist(c AllowlistConfig) (*Allowlist, error) {
	a := &Allowlist{rules: map[string]bool{}, digests: map[string]bool{}}
	for _, r := range c.Rules {
		a.rules[r] = true
	}
	for i, p := range c.Paths {
		re, err := globRegexp(p)
		if err != nil {
			return nil, fmt.Errorf("allowlist.paths[%d] %q: %w", i, p, err)
		}
		a.paths = append(a.paths, re)
	}
	for _, v := range c.Values {
		a.digests[digest([]byte(v))] = true
	}
	for i, d := range c.SHA256 {
		d = strings.ToLower(strings.TrimSpace(d))
		if _, err := hex.DecodeString(d); err != nil || len(d) != 64 {
			return nil, fmt.Errorf("allowlist.sha256[%d]: not a hex SHA-256", i)
		}
		a.digests[d] = true
	}
	for i, r := range c.Regexes {
		re, err := regexp.Compile(r)
		if err != nil {
			return nil, fmt.Errorf("allowlist.regexes[%d]: %w", i, err)
		}
		a.regexes = append(a.regexes, re)
	}
	return a, nil
}

// dropsRule reports whether every finding of rule is dropped.
func (a *Allowlist) dropsRule(rule string) bool { return a != nil && a.rules[rule] }

// dropsPath reports whether findings in path are dropped.
func (a *Allowlist) dropsPath(path string) bool {
	if a == nil {
		return false
	}
	for _, re := range a.paths {
		if re.MatchString(path) {
			return true
		}
	}
	return false
}

// dropsSecret reports whether a secret (with its hex digest) is dropped.
func (a *Allowlist) dropsSecret(secret []byte, sum string) bool {
	if a == nil {
		return false
	}
	if a.digests[sum] {
		return true
	}
	for _, re := range a.regexes {
		if re.Match(secret) {
			return true
		}
	}
	return false
}

// digest returns the hex SHA-256 of b.
func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// globRegexp compiles a path glob: `**` matches across `/` and `!`, `*` and
// `?` within one path element. A glob without a leading `/` may match from the
// start of any element ("*.md" matches "docs/a.md" and "x.zip!a.md").
func globRegexp(glob string) (*regexp.Regexp, error) {
	var b strings.Builder
	anchored := strings.HasPrefix(glob, "/")
	glob = strings.TrimPrefix(glob, "/")
	if anchored {
		b.WriteString(`^`)
	} else {
		b.WriteString(`(?:^|[/!])`)
	}
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; c {
		case '*':
			if i+1 < len(glob) && glob[i+1] == '*' {
				b.WriteString(`.*`)
				i++
				if i+1 < len(glob) && glob[i+1] == '/' {
					b.WriteString(`(?:/|^|!)?`)
					i++
				}
			} else {
				b.WriteString(`[^/!]*`)
			}
		case '?':
			b.WriteString(`[^/!]`)
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`$`)
	return regexp.Compile(b.String())
}
