package scan

import (
	"bytes"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/mlpipe/pipeline/stages/scan/rules"
)

// Text is scanned in chunks of chunkSize bytes; consecutive chunks share
// overlap bytes so that a secret across a boundary is seen whole (and its
// keyword's window has its context). A match is reported by the chunk in
// whose own part it starts.
const (
	chunkSize = 8 << 20
	overlap   = 64 << 10
)

var chunkPool = sync.Pool{New: func() any { b := make([]byte, 0, chunkSize); return &b }}

// scanText scans a UTF-8 stream. For JSONL, each finding's column is the
// JSON path of the string holding the secret.
func (s *Scanner) scanText(r io.Reader, path string, hints rules.Hints, jsonl bool, rep *Report) error {
	bp := chunkPool.Get().(*[]byte)
	defer chunkPool.Put(bp)
	buf := (*bp)[:0]
	lineBase := int64(1)
	// colBase counts the runes of the current line that lie before buf (a
	// line longer than a chunk).
	colBase := 0
	acceptLo := 0
	for {
		n, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		var readErr error
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			readErr = err
		}
		last := err != nil
		acceptHi := len(buf)
		if !last {
			acceptHi -= overlap
		}
		rep.Bytes += int64(acceptHi - acceptLo)
		pos, line := 0, lineBase
		for _, m := range s.det.Find(buf, hints) {
			if m.Start < acceptLo || m.Start >= acceptHi {
				continue
			}
			line += int64(bytes.Count(buf[pos:m.SecretStart], []byte{'\n'}))
			pos = m.SecretStart
			nl := bytes.LastIndexByte(buf[:m.SecretStart], '\n')
			ls := nl + 1
			textCol := utf8.RuneCount(buf[ls:m.SecretStart]) + 1
			if nl < 0 {
				textCol += colBase
			}
			col := ""
			if jsonl {
				le := bytes.IndexByte(buf[ls:], '\n')
				if le < 0 {
					le = len(buf) - ls
				}
				col = jsonPath(buf[ls:ls+le], m.SecretStart-ls)
			}
			s.report(rep, m, path, line, col, textCol)
		}
		if last {
			return readErr
		}
		keep := acceptHi - overlap
		lineBase += int64(bytes.Count(buf[:keep], []byte{'\n'}))
		if nl := bytes.LastIndexByte(buf[:keep], '\n'); nl >= 0 {
			colBase = utf8.RuneCount(buf[nl+1 : keep])
		} else {
			colBase += utf8.RuneCount(buf[:keep])
		}
		buf = buf[:copy(buf, buf[keep:])]
		acceptLo = overlap
	}
}
