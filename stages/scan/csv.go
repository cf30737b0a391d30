package scan

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"github.com/mlpipe/pipeline/stages/scan/archive"
)

// scanCSV scans the fields of a CSV (or TSV) stream. The first record names
// the columns; a finding's line is the line of the file the secret is on
// (quoted fields may span lines) and its column is the header's name (or the
// 1-based field number when the header has none).
func (s *Scanner) scanCSV(r io.Reader, path string, comma rune, rep *Report) error {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var header []string
	batch := &cellBatch{}
	warned := false
	for rec := 0; ; rec++ {
		fields, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				s.scanCells(batch, path, true, rep)
				return err
			}
			if !warned {
				rep.Warnings = append(rep.Warnings, archive.Warning{Path: path, Message: fmt.Sprintf("malformed CSV: %v", err)})
				warned = true
			}
			continue
		}
		if rec == 0 {
			header = append([]string(nil), fields...)
		}
		for i, f := range fields {
			line, _ := cr.FieldPos(i)
			name := ""
			if i < len(header) {
				name = header[i]
			}
			if name == "" || rec == 0 {
				name = fmt.Sprint(i + 1)
			}
			batch.add(f, int64(line), name)
		}
		if batch.size() >= chunkSize {
			s.scanCells(batch, path, true, rep)
		}
	}
	s.scanCells(batch, path, true, rep)
	return nil
}
