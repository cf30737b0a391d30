package scan

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
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
		fmt.Fprintf(bw, "%s: %s: %s (sha256 %s)\n", escapeControls(loc), f.Kind, escapeControls(f.Preview), f.SecretSHA256[:16])
	}
	files := "files"
	if rep.Files == 1 {
		files = "file"
	}
	of := fmt.Sprintf("%d %s", rep.Files, files)
	if rep.BinaryFiles > 0 {
		of += fmt.Sprintf(", %d of them binary, scanned for printable runs", rep.BinaryFiles)
	}
	switch n := len(rep.Findings); n {
	case 0:
		fmt.Fprintf(bw, "no secrets found in %s (%d bytes)\n", of, rep.Bytes)
	case 1:
		fmt.Fprintf(bw, "1 secret found in %s (%d bytes)\n", of, rep.Bytes)
	default:
		fmt.Fprintf(bw, "%d secrets found in %s (%d bytes)\n", n, of, rep.Bytes)
	}
	if n := rep.Stopped(); n > 0 {
		fmt.Fprintf(bw, "scan incomplete: limits stopped reading %d part(s) of the input\n", n)
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

// escapeControls writes control characters (C0, DEL, C1) as \xNN, so a file
// or archive member name cannot move the terminal's cursor or forge a line
// of the report.
func escapeControls(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			fmt.Fprintf(&b, "\\x%02x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
