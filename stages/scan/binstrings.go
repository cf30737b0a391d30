package scan

import "io"

// printableRuns reads a binary stream as `strings` does: runs of printable
// ASCII (and tabs) come through, and every other byte becomes a line break,
// so the text rules see each run as a line of its own. Credentials embedded
// in pickles, SQLite files, checkpoints and notebooks with binary outputs
// are printable runs in them.
type printableRuns struct{ r io.Reader }

func (p printableRuns) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	for i, c := range b[:n] {
		if (c < 0x20 || c > 0x7e) && c != '\t' {
			b[i] = '\n'
		}
	}
	return n, err
}
