// Command score compares a scanner's findings with a labelled corpus written
// by gencorpus -kind quality.
//
//	score -labels DIR/labels.jsonl -root DIR/tree -findings FILE [-format jsonl|gitleaks]
//
// jsonl is `pipeline scan --format jsonl` output; gitleaks is a gitleaks JSON
// report (its Secret field is hashed here, its File made relative to -root).
// It prints recall, findings that match no label, and what was missed.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mlpipe/pipeline/internal/testutil/scancorpus"
)

func main() {
	labelsPath := flag.String("labels", "", "labels.jsonl")
	root := flag.String("root", "", "directory that was scanned (stripped from finding paths)")
	findingsPath := flag.String("findings", "", "findings file")
	format := flag.String("format", "jsonl", "jsonl or gitleaks")
	flag.Parse()
	if err := run(*labelsPath, *root, *findingsPath, *format); err != nil {
		fmt.Fprintln(os.Stderr, "score:", err)
		os.Exit(1)
	}
}

func run(labelsPath, root, findingsPath, format string) error {
	var labels []scancorpus.Label
	if err := readJSONL(labelsPath, func(b []byte) error {
		var l scancorpus.Label
		labels = append(labels, l)
		return json.Unmarshal(b, &labels[len(labels)-1])
	}); err != nil {
		return err
	}
	prefix := filepath.ToSlash(filepath.Clean(root)) + "/"
	rel := func(p string) string { return strings.TrimPrefix(filepath.ToSlash(p), prefix) }
	var fs []scancorpus.Finding
	switch format {
	case "jsonl":
		err := readJSONL(findingsPath, func(b []byte) error {
			var f struct {
				Path, Column, Kind string
				Line               int64
				SHA                string `json:"secret_sha256"`
			}
			if err := json.Unmarshal(b, &f); err != nil {
				return err
			}
			fs = append(fs, scancorpus.Finding{Path: rel(f.Path), Line: f.Line, Column: f.Column, Kind: f.Kind, SHA256: f.SHA})
			return nil
		})
		if err != nil {
			return err
		}
	case "gitleaks":
		data, err := os.ReadFile(findingsPath)
		if err != nil {
			return err
		}
		var gl []struct {
			File, Secret, RuleID string
			StartLine            int64
		}
		if err := json.Unmarshal(data, &gl); err != nil {
			return fmt.Errorf("reading %s: %w", findingsPath, err)
		}
		for _, g := range gl {
			fs = append(fs, scancorpus.Finding{Path: rel(g.File), Line: g.StartLine, Kind: g.RuleID, SHA256: scancorpus.Sum(g.Secret)})
		}
	default:
		return fmt.Errorf("unknown -format %q", format)
	}
	// Columns are only compared for the scanner's own findings.
	if format != "jsonl" {
		for i := range labels {
			labels[i].Column = ""
		}
	}
	fmt.Print(scancorpus.Compute(labels, fs).Summary())
	return nil
}

func readJSONL(path string, fn func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for n := 1; sc.Scan(); n++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		if err := fn(sc.Bytes()); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return sc.Err()
}
