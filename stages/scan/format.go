package scan

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// Formats are the output formats of Write.
var Formats = []string{"text", "jsonl", "sarif"}

// Write writes a report's findings in a format: "text" (one line per finding
// and a summary), "jsonl" (one JSON object per finding with exactly the
// fields path, line, column, kind, preview and secret_sha256) or "sarif"
// (SARIF 2.1.0, warnings included as tool notifications).
func Write(w io.Writer, format string, rep *Report) error {
	switch format {
	case "text":
		return writeText(w, rep)
	case "jsonl":
		return writeJSONL(w, rep)
	case "sarif":
		return writeSARIF(w, rep)
	}
	return usagef("unknown format %q (want one of %v)", format, Formats)
}

// ValidFormat reports whether format is one of Formats.
func ValidFormat(format string) bool { return slices.Contains(Formats, format) }

func writeText(w io.Writer, rep *Report) error {
	bw := bufio.NewWriter(w)
	for _, f := range rep.Findings {
		loc := fmt.Sprintf("%s:%d", f.Path, f.Line)
		switch {
		case f.Column != "":
			loc += fmt.Sprintf(" [%s]", f.Column)
		case f.TextColumn > 0:
			loc += fmt.Sprintf(":%d", f.TextColumn)
		}
		fmt.Fprintf(bw, "%s: %s: %s (sha256 %s)\n", loc, f.Kind, f.Preview, f.SecretSHA256[:16])
	}
	files := "files"
	if rep.Files == 1 {
		files = "file"
	}
	switch n := len(rep.Findings); n {
	case 0:
		fmt.Fprintf(bw, "no secrets found in %d %s (%d bytes)\n", rep.Files, files, rep.Bytes)
	case 1:
		fmt.Fprintf(bw, "1 secret found in %d %s (%d bytes)\n", rep.Files, files, rep.Bytes)
	default:
		fmt.Fprintf(bw, "%d secrets found in %d %s (%d bytes)\n", n, rep.Files, files, rep.Bytes)
	}
	return bw.Flush()
}

func writeJSONL(w io.Writer, rep *Report) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, f := range rep.Findings {
		if err := enc.Encode(f); err != nil {
			return fmt.Errorf("writing findings: %w", err)
		}
	}
	return bw.Flush()
}

// WriteWarnings writes one line per warning ("warning: PATH: [LIMIT] MESSAGE").
func WriteWarnings(w io.Writer, rep *Report) error {
	bw := bufio.NewWriter(w)
	for _, wn := range rep.Warnings {
		fmt.Fprintf(bw, "warning: %s: %s\n", wn.Path, wn.Message)
	}
	return bw.Flush()
}
