package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// csvReader reads RFC 4180 records: fields separated by one delimiter byte,
// records by "\n" or "\r\n"; a field in double quotes may hold delimiters,
// line breaks and doubled quotes. A quote inside an unquoted field, text
// after a closing quote and a quote left open at the end of the input are
// errors. Empty lines between records are skipped.
type csvReader struct {
	r     *bufio.Reader
	delim byte
	line  int64  // physical lines read
	start int64  // first line of the record last returned
	raw   []byte // the record's text as read (all its lines)
	out   []byte // unescaped field bytes
	ends  []int  // end of each field in out
	field [][]byte
	long  []byte
	max   int64 // longest record kept
}

// newCSVReader reads records from r.
func newCSVReader(r io.Reader, delim byte, max int64) *csvReader {
	return &csvReader{r: bufio.NewReaderSize(r, 256<<10), delim: delim, max: max}
}

// errCSV marks a malformed record.
var errCSV = errors.New("invalid CSV")

// readLine appends the next physical line (with its line break) to c.raw.
// A record growing past c.max is read to the end of the line without being
// kept, and reported as an *errRecordTooLong.
func (c *csvReader) readLine() (bool, error) {
	b, err := c.r.ReadSlice('\n')
	size := int64(len(c.raw))
	var tooLong *errRecordTooLong
	for {
		size += int64(len(b))
		if size > c.max && c.max > 0 {
			tooLong = &errRecordTooLong{size: size, max: c.max}
		} else {
			c.raw = append(c.raw, b...)
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			break
		}
		b, err = c.r.ReadSlice('\n')
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	if size == int64(len(c.raw)) && len(b) == 0 && err != nil {
		return false, nil
	}
	c.line++
	if tooLong != nil {
		c.raw = c.raw[:min(len(c.raw), rejectPrefix)]
		return true, tooLong
	}
	return true, nil
}

// next returns the fields of the next record, valid until the next call, or
// io.EOF. A malformed record returns an error wrapping errCSV; reading can
// go on with the following line.
func (c *csvReader) next() ([][]byte, error) {
	for {
		c.raw, c.out, c.ends = c.raw[:0], c.out[:0], c.ends[:0]
		ok, err := c.readLine()
		if isTooLong(err) {
			c.start = c.line
		}
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, io.EOF
		}
		c.start = c.line
		if r := string(c.raw); r == "\n" || r == "\r\n" || r == "\r" {
			continue // empty line ("\r" alone can only end the input)
		}
		if err := c.parse(); err != nil {
			return nil, err
		}
		c.field = c.field[:0]
		prev := 0
		for _, e := range c.ends {
			c.field = append(c.field, c.out[prev:e])
			prev = e
		}
		return c.field, nil
	}
}

// rawText is the last record's text without its final line break.
func (c *csvReader) rawText() []byte {
	b := bytes.TrimSuffix(c.raw, []byte{'\n'})
	return bytes.TrimSuffix(b, []byte{'\r'})
}

// parse splits c.raw (reading more lines for quoted line breaks) into fields.
func (c *csvReader) parse() error {
	pos := 0
	for {
		b := c.raw
		if pos < len(b) && b[pos] == '"' {
			pos++
			for {
				b = c.raw
				i := bytes.IndexByte(b[pos:], '"')
				if i < 0 {
					c.out = append(c.out, b[pos:]...)
					pos = len(b)
					ok, err := c.readLine()
					if err != nil {
						return err
					}
					if !ok {
						return fmt.Errorf("%w: quoted field opened on line %d is never closed", errCSV, c.start)
					}
					continue
				}
				c.out = append(c.out, b[pos:pos+i]...)
				pos += i + 1
				if pos < len(b) && b[pos] == '"' {
					c.out = append(c.out, '"')
					pos++
					continue
				}
				break
			}
			c.ends = append(c.ends, len(c.out))
			switch {
			case pos == len(b) || b[pos] == '\n' || b[pos] == '\r' && pos+1 == len(b)-1 && b[pos+1] == '\n' || b[pos] == '\r' && pos+1 == len(b):
				return nil
			case b[pos] == c.delim:
				pos++
				if pos == len(b) {
					c.ends = append(c.ends, len(c.out)) // trailing delimiter at end of input
					return nil
				}
				continue
			default:
				return fmt.Errorf("%w: unexpected %q after a closing quote (line %d)", errCSV, b[pos], c.line)
			}
		}
		i := pos
		for i < len(b) && b[i] != c.delim && b[i] != '\n' {
			if b[i] == '"' {
				return fmt.Errorf("%w: bare quote in an unquoted field (line %d); quote the field and double the quote", errCSV, c.line)
			}
			i++
		}
		f := b[pos:i]
		if i == len(b) || b[i] == '\n' {
			f = bytes.TrimSuffix(f, []byte{'\r'})
		}
		c.out = append(c.out, f...)
		c.ends = append(c.ends, len(c.out))
		if i < len(b) && b[i] == c.delim {
			pos = i + 1
			if pos == len(b) {
				c.ends = append(c.ends, len(c.out))
				return nil
			}
			continue
		}
		return nil
	}
}
