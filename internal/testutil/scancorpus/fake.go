// Package scancorpus generates labelled test corpora for the secrets scanner:
// fake credentials of every family the rules know (random, never real), decoys
// that must not be reported, and files that carry them in every container the
// scanner reads. Everything is derived from a seed, so a corpus is reproducible.
package scancorpus

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Character sets for fake secrets.
const (
	upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	alnumChars  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	letters     = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	tokenChars  = alnumChars + "_-"
	b64Chars    = alnumChars + "+/"
	hexChars    = "0123456789abcdef"
	pwChars     = alnumChars + "!^*_-+=~."
)

// Fake makes fake credentials from a seeded random source.
type Fake struct {
	r *rand.Rand
}

// NewFake returns a generator seeded with seed.
func NewFake(seed uint64) *Fake {
	return &Fake{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Intn returns a random int in [0, n).
func (f *Fake) Intn(n int) int { return f.r.IntN(n) }

// Pick returns a random element of choices.
func (f *Fake) Pick(choices ...string) string { return choices[f.r.IntN(len(choices))] }

// Str returns n random characters of set, avoiding runs that the scanner
// treats as placeholders (repeats and sequences), so every fake looks random.
func (f *Fake) Str(set string, n int) string {
	for {
		b := make([]byte, n)
		for i := range b {
			b[i] = set[f.r.IntN(len(set))]
		}
		s := string(b)
		if !looksPlaceholder(s) {
			return s
		}
	}
}

// looksPlaceholder mirrors what the scanner rejects as placeholders, so the
// generator never draws a fake secret the scanner would rightly ignore.
func looksPlaceholder(s string) bool {
	l := strings.ToLower(s)
	for _, m := range []string{"example", "xxxx", "your", "dummy", "changeme", "placeholder", "redacted", "replace", "insert", "....", "****", "todo", "fixme", "fake"} {
		if strings.Contains(l, m) {
			return true
		}
	}
	up, down := 1, 1
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1]+1 {
			up++
		} else {
			up = 1
		}
		if s[i] == s[i-1]-1 {
			down++
		} else {
			down = 1
		}
		if up >= 5 || down >= 5 {
			return true
		}
	}
	return false
}

// Digits returns n random decimal digits, the first not zero.
func (f *Fake) Digits(n int) string {
	return f.Str("123456789", 1) + f.Str("0123456789", n-1)
}

// Password returns a random password of 12 to 20 characters mixing classes.
func (f *Fake) Password() string {
	return f.Str(letters, 2) + f.Str(pwChars, 8+f.r.IntN(8)) + f.Str("0123456789", 2)
}

// PEM returns a fake private key in PEM form with the given label
// ("RSA PRIVATE KEY", "PRIVATE KEY", ...) and body length in bytes.
func (f *Fake) PEM(label string, n int) string {
	raw := make([]byte, n)
	for i := range raw {
		raw[i] = byte(f.r.IntN(256))
	}
	body := base64.StdEncoding.EncodeToString(raw)
	var b strings.Builder
	fmt.Fprintf(&b, "-----BEGIN %s-----\n", label)
	for len(body) > 64 {
		b.WriteString(body[:64] + "\n")
		body = body[64:]
	}
	fmt.Fprintf(&b, "%s\n-----END %s-----", body, label)
	return b.String()
}

// JWT returns a fake signed JSON Web Token.
func (f *Fake) JWT() string {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	p := enc.EncodeToString([]byte(fmt.Sprintf(`{"sub":"%s","iat":%s,"role":"%s"}`, f.Digits(8), f.Digits(10), f.Pick("admin", "reader", "svc"))))
	return h + "." + p + "." + f.Str(tokenChars, 43)
}

// DockerAuth returns base64("user:password") as in a Docker config.json.
func (f *Fake) DockerAuth() string {
	return base64.StdEncoding.EncodeToString([]byte(f.Pick("ci", "deploy", "robot") + ":" + f.Password()))
}

// Base64 returns base64 of n random bytes.
func (f *Fake) Base64(n int) string {
	raw := make([]byte, n)
	for i := range raw {
		raw[i] = byte(f.r.IntN(256))
	}
	return base64.StdEncoding.EncodeToString(raw)
}
