package scan

import (
	"bytes"
	"sort"

	"github.com/mlpipe/pipeline/stages/scan/rules"
)

// cellBatch gathers table cells into one buffer, separated by line feeds, so
// that the rules run once over many cells; each match is then attributed to
// the cell that holds it.
type cellBatch struct {
	buf   []byte
	spans []cellSpan
	names []string       // column names by id
	ids   map[string]int // column name -> id
	// repeated counts the bytes of cells not copied because they repeat a
	// cell already in the batch (see repeat).
	repeated int64
}

// cellSpan is one cell's place in the buffer.
type cellSpan struct {
	start, end int
	line       int64 // first line (CSV) or row (Parquet) of the cell
	col        int
	// more are the rows of later cells with the same text, in the same
	// column, scanned once with this one.
	more []int64
}

// add appends a cell.
func (b *cellBatch) add(text string, line int64, column string) {
	if len(text) == 0 {
		return
	}
	if b.ids == nil {
		b.ids = map[string]int{}
	}
	id, ok := b.ids[column]
	if !ok {
		id = len(b.names)
		b.ids[column] = id
		b.names = append(b.names, column)
	}
	start := len(b.buf)
	b.buf = append(b.buf, text...)
	b.spans = append(b.spans, cellSpan{start: start, end: len(b.buf), line: line, col: id})
	b.buf = append(b.buf, '\n')
}

// repeat records that row holds the same text as the cell at span, which
// is then scanned once for both.
func (b *cellBatch) repeat(span int, row int64) {
	sp := &b.spans[span]
	sp.more = append(sp.more, row)
	b.repeated += int64(sp.end-sp.start) + 1 // and its separator, as add counts it
}

// size is the buffer's length.
func (b *cellBatch) size() int { return len(b.buf) }

// scan runs the rules over the batch, reports what it finds and empties the
// batch. With countLines, a secret on a later line of a multi-line cell is
// reported on that line.
func (s *Scanner) scanCells(b *cellBatch, path string, countLines bool, rep *Report) {
	rep.Bytes += int64(len(b.buf)) + b.repeated
	for _, m := range s.det.Find(b.buf, rules.Hints{}) {
		i := sort.Search(len(b.spans), func(i int) bool { return b.spans[i].end > m.SecretStart }) // first span ending after the start
		if i == len(b.spans) || m.SecretStart < b.spans[i].start || m.SecretEnd > b.spans[i].end {
			continue
		}
		sp := b.spans[i]
		line := sp.line
		if countLines {
			line += int64(bytes.Count(b.buf[sp.start:m.SecretStart], []byte{'\n'}))
		}
		s.report(rep, m, path, line, b.names[sp.col], 0)
		for _, row := range sp.more {
			s.report(rep, m, path, row, b.names[sp.col], 0)
		}
	}
	b.buf = b.buf[:0]
	b.spans = b.spans[:0]
	b.repeated = 0
}
