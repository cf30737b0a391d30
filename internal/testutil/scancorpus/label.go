package scancorpus

import (
	"crypto/sha256"
	"encoding/hex"
)

// Label is a secret the scanner must report: where, what kind, and the
// SHA-256 of its text. Its JSON form matches the scanner's jsonl findings.
type Label struct {
	// Path names the file, with archive members joined by "!".
	Path string `json:"path"`
	// Line is the 1-based line (the row for Parquet).
	Line int64 `json:"line"`
	// Column is the table column, empty for plain text.
	Column string `json:"column"`
	// Kind is the rule expected to report the secret.
	Kind string `json:"kind"`
	// SHA256 is the hex SHA-256 of the secret's text.
	SHA256 string `json:"secret_sha256"`
}

// Sum returns the hex SHA-256 of s.
func Sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
