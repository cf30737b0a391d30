package records

import (
	"bytes"
	"io"
	"text/tabwriter"
)

// columns lays out tab-separated cells as aligned columns and writes them
// to w without trailing blanks.
type columns struct {
	w   io.Writer
	buf bytes.Buffer
	tw  *tabwriter.Writer
}

func newColumns(w io.Writer) *columns {
	c := &columns{w: w}
	c.tw = tabwriter.NewWriter(&c.buf, 0, 0, 2, ' ', 0)
	return c
}

// Write buffers cells; rows end with a newline, cells with a tab.
func (c *columns) Write(p []byte) (int, error) { return c.tw.Write(p) }

// Flush aligns the buffered rows and writes them out.
func (c *columns) Flush() error {
	if err := c.tw.Flush(); err != nil {
		return err
	}
	lines := bytes.SplitAfter(c.buf.Bytes(), []byte("\n"))
	for _, l := range lines {
		nl := bytes.HasSuffix(l, []byte("\n"))
		l = bytes.TrimRight(l, " \n")
		if nl {
			l = append(l, '\n')
		}
		if _, err := c.w.Write(l); err != nil {
			return err
		}
	}
	c.buf.Reset()
	return nil
}
