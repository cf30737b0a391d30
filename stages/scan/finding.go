// Package scan is the secrets gate: it walks files, directories and archives,
// decodes text (UTF-8, UTF-16, CRLF), reads JSONL, CSV and Parquet by row and
// column, runs the credential rules of package rules over everything, and
// reports findings that name where a secret is and what kind it is, with a
// SHA-256 of it, but never the secret itself. It also provides the `scan`
// stage kind and the logic of the `pipeline scan` command.
package scan

import (
	"cmp"
	"slices"
)

// Finding is one secret found. It never holds the secret itself.
type Finding struct {
	// Path names the file, with archive members joined by "!".
	Path string `json:"path"`
	// Line is the 1-based line of the secret; for Parquet tables, the row.
	Line int64 `json:"line"`
	// Column is the table column (a CSV header, a JSON path within a JSONL
	// record, a Parquet column); empty for plain text.
	Column string `json:"column"`
	// Kind is the rule that found it.
	Kind string `json:"kind"`
	// Preview shows where it is with the secret masked.
	Preview string `json:"preview"`
	// SecretSHA256 is the hex SHA-256 of the secret's text.
	SecretSHA256 string `json:"secret_sha256"`
	// TextColumn is the 1-based character column of the secret on its line
	// (0 when unknown). It is not part of the JSON form.
	TextColumn int `json:"-"`
}

// compareFindings orders findings by path, line, column, position and kind.
func compareFindings(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.Path, b.Path),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column),
		cmp.Compare(a.TextColumn, b.TextColumn),
		cmp.Compare(a.Kind, b.Kind),
		cmp.Compare(a.SecretSHA256, b.SecretSHA256),
	)
}

// SortFindings puts findings in their reporting order.
func SortFindings(fs []Finding) { slices.SortFunc(fs, compareFindings) }
