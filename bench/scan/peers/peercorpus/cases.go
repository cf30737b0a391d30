// Package peercorpus reads the peer corpus (other scanners' published test
// cases, one JSON object a line), writes each case as a file, and tallies
// scanners' findings on those files into per-family recall and
// false-positive counts.
package peercorpus

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

// Case is one published test case.
type Case struct {
	// Tool is the scanner whose tests the case comes from.
	Tool string `json:"tool"`
	// File is the test source the case was read from.
	File string `json:"file"`
	// Rule is the rule or plugin the case tests, in that scanner's naming.
	Rule string `json:"rule"`
	// Family is the shared family of Rule.
	Family string `json:"family"`
	// Path, when set, is the file path the case is meant to have.
	Path string `json:"path,omitempty"`
	// Ext, when set, is the file extension the case is meant to have.
	Ext string `json:"ext,omitempty"`
	// Text is the case's content.
	Text string `json:"text"`
	// Positive is true when the scanner's test expects a finding.
	Positive bool `json:"positive"`
}

// Load reads a JSONL corpus.
func Load(path string) ([]Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening peer corpus: %w", err)
	}
	defer f.Close()
	var cases []Case
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for n := 1; sc.Scan(); n++ {
		var c Case
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if c.Tool == "" || c.Family == "" {
			return nil, fmt.Errorf("%s:%d: case without tool or family", path, n)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return cases, nil
}
