package scan

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"path"
	"strings"

	"github.com/mlpipe/pipeline/stages/scan/archive"
	"github.com/mlpipe/pipeline/stages/scan/decode"
	"github.com/mlpipe/pipeline/stages/scan/rules"
)

// format is how a leaf's content is read.
type format int

const (
	textFormat format = iota
	jsonlFormat
	csvFormat
	tsvFormat
)

// formatOf chooses a format from a file name.
func formatOf(name string) format {
	switch strings.ToLower(path.Ext(name)) {
	case ".jsonl", ".ndjson", ".jsonlines":
		return jsonlFormat
	case ".csv":
		return csvFormat
	case ".tsv":
		return tsvFormat
	}
	return textFormat
}

// codeExts are extensions of program source, where a bare value after `=` is
// an expression rather than a literal.
var codeExts = map[string]bool{
	".py": true, ".pyi": true, ".js": true, ".mjs": true, ".cjs": true, ".ts": true, ".tsx": true,
	".jsx": true, ".go": true, ".java": true, ".kt": true, ".kts": true, ".scala": true, ".c": true,
	".h": true, ".cc": true, ".cpp": true, ".hpp": true, ".cs": true, ".rb": true, ".php": true,
	".rs": true, ".swift": true, ".m": true, ".mm": true, ".r": true, ".jl": true, ".lua": true,
	".dart": true, ".groovy": true, ".pl": true, ".ex": true, ".exs": true, ".clj": true, ".fs": true,
	".vue": true, ".svelte": true, ".sql": true,
}

// hintsFor describes a file by its name.
func hintsFor(name string) rules.Hints {
	return rules.Hints{Code: codeExts[strings.ToLower(path.Ext(name))]}
}

var parquetMagic = []byte("PAR1")

// scanLeaf scans one file or archive member into rep.
func (s *Scanner) scanLeaf(ctx context.Context, l archive.Leaf, rep *Report) error {
	if s.opts.Allow.dropsPath(l.Path) {
		return nil
	}
	head, err := l.R.Peek(4096)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return err
	}
	if bytes.HasPrefix(head, parquetMagic) {
		data, err := io.ReadAll(l.R)
		if err != nil {
			return err
		}
		s.scanParquetBytes(ctx, l.Path, data, rep)
		return nil
	}
	enc, bom := decode.Sniff(head)
	if enc == decode.Binary {
		// Not text, but scanned: its printable runs, as `strings` shows them.
		rep.Files++
		rep.BinaryFiles++
		return s.scanText(printableRuns{l.R}, l.Path, hintsFor(l.Name), false, rep)
	}
	l.R.Discard(bom)
	var r io.Reader = l.R
	switch enc {
	case decode.UTF16LE:
		r = decode.NewUTF16Reader(l.R, false)
	case decode.UTF16BE:
		r = decode.NewUTF16Reader(l.R, true)
	case decode.UTF32LE, decode.UTF32BE:
		r = decode.NewUTF32Reader(l.R, enc == decode.UTF32BE)
	}
	rep.Files++
	switch f := formatOf(l.Name); f {
	case csvFormat, tsvFormat:
		comma := ','
		if f == tsvFormat {
			comma = '\t'
		}
		return s.scanCSV(r, l.Path, comma, rep)
	case jsonlFormat:
		return s.scanText(r, l.Path, rules.Hints{}, true, rep)
	}
	return s.scanText(r, l.Path, hintsFor(l.Name), false, rep)
}

// report turns a match into a finding unless the allowlist drops it.
func (s *Scanner) report(rep *Report, m rules.Match, path string, line int64, column string, textCol int) {
	a := s.opts.Allow
	if a.dropsRule(m.Rule.ID) {
		return
	}
	sum := digest(m.Secret)
	if a.dropsSecret(m.Secret, sum) {
		return
	}
	rep.Findings = append(rep.Findings, Finding{
		Path: path, Line: line, Column: column, Kind: m.Rule.ID,
		Preview: m.Preview, SecretSHA256: sum, TextColumn: textCol,
	})
}
