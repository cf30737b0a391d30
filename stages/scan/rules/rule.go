// Package rules finds credentials in text. A Rule describes one credential
// family: the keywords that must occur near it, a regular expression run only
// in a small window around each keyword hit, and checks (boundaries, entropy,
// placeholders, decoding) that keep documented examples and decoys out. A
// Detector runs every rule over a buffer in one pass.
package rules

import "regexp"

// Rule describes one credential family.
type Rule struct {
	// ID names the rule; it is the `kind` of a finding and what allowlists name.
	ID string
	// Description says what the rule finds, in a few words.
	Description string
	// Keywords are literal strings, compared without regard to ASCII case, of
	// which at least one occurs in or near every match. The rule's pattern runs
	// only in a window around a keyword hit.
	Keywords []string
	// ExactCase makes the keyword comparison case-sensitive.
	ExactCase bool
	// Pattern finds candidates in a window. The secret is the first non-empty
	// group named secret, secret2, ...; the whole match when there is none. An
	// optional group named key holds the name the secret is assigned to.
	Pattern *regexp.Regexp
	// Before and After bound the window: bytes before the keyword's start and
	// after its end.
	Before, After int
	// Multiline lets the window cross line ends; otherwise it stops at them.
	Multiline bool
	// Token, when set, is the character set of the secret: a match must not be
	// preceded or followed by one of these characters (e.g. a key id inside a
	// longer base64 string is not a key id).
	Token *charset
	// Visible is how many leading characters of the secret are a public format
	// prefix shown in previews (e.g. 4 for "ghp_").
	Visible int
	// VisibleTo, when set, computes Visible from the secret.
	VisibleTo func(secret []byte) int
	// MinLen is the shortest secret accepted.
	MinLen int
	// MinEntropy is the lowest Shannon entropy, in bits per character, of the
	// secret after its visible prefix.
	MinEntropy float64
	// Random, when set, returns the part of the secret that is drawn at
	// random (e.g. a token's tail after its numeric account ids); the
	// entropy and placeholder checks look at it instead of the whole secret
	// after its visible prefix.
	Random func(secret []byte) []byte
	// Quick, when set, is a cheap test of a keyword hit at buf[start:end]; the
	// pattern runs only around hits it accepts.
	Quick func(buf []byte, start, end int) bool
	// Check, when set, accepts or rejects a candidate.
	Check func(c *Candidate) bool
	// Extract, when set, replaces Pattern: it finds candidates in buf[lo:hi].
	Extract func(buf []byte, lo, hi int, emit func(Candidate))
	// Normalize, when set, returns the canonical text of a secret (the text
	// whose SHA-256 is reported), e.g. a PEM block with JSON escapes undone.
	Normalize func(secret []byte) []byte
	// Generic marks rules that rely on an assignment's name rather than a
	// recognisable format; they yield to any specific rule on the same text.
	Generic bool
}

// Candidate is a possible secret found by a rule, before checks.
type Candidate struct {
	// Start and End delimit the whole match in the scanned buffer.
	Start, End int
	// SecretStart and SecretEnd delimit the secret itself.
	SecretStart, SecretEnd int
	// KeyStart and KeyEnd delimit the assigned name, when there is one (else equal).
	KeyStart, KeyEnd int
	// Buf is the scanned buffer the offsets refer to.
	Buf []byte
	// Hints describe the text being scanned.
	Hints Hints
}

// Secret returns the secret's bytes (aliasing the buffer).
func (c *Candidate) Secret() []byte { return c.Buf[c.SecretStart:c.SecretEnd] }

// Key returns the assigned name (aliasing the buffer), or nil.
func (c *Candidate) Key() []byte { return c.Buf[c.KeyStart:c.KeyEnd] }

// Hints describe the text being scanned, for rules whose verdict depends on it.
type Hints struct {
	// Code is true for program source, where an unquoted value after `=` is an
	// expression (a variable, a call), not a literal secret.
	Code bool
}
