// Command spmencode encodes stdin line by line with a SentencePiece model and
// writes each line's ids, space-separated, to stdout: the same job as
// `spm_encode --output_format=id`, for timing the two side by side.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/mlpipe/pipeline/stages/tokenize/sentencepiece"
)

func main() {
	model := flag.String("model", "", "path of the .model file")
	flag.Parse()
	if err := run(*model, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "spmencode:", err)
		os.Exit(1)
	}
}

func run(model string, in io.Reader, out io.Writer) error {
	m, err := sentencepiece.Load(model)
	if err != nil {
		return err
	}
	r := bufio.NewReaderSize(in, 1<<20)
	w := bufio.NewWriterSize(out, 1<<20)
	var ids []int32
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		line = append(line, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("reading input: %w", err)
		}
		if len(line) > 0 {
			if line[len(line)-1] == '\n' {
				line = line[:len(line)-1]
			}
			ids = m.AppendEncode(ids[:0], string(line))
			var buf []byte
			for i, id := range ids {
				if i > 0 {
					buf = append(buf, ' ')
				}
				buf = strconv.AppendInt(buf, int64(id), 10)
			}
			buf = append(buf, '\n')
			if _, werr := w.Write(buf); werr != nil {
				return fmt.Errorf("writing output: %w", werr)
			}
		}
		line = line[:0]
		if err == io.EOF {
			break
		}
	}
	return w.Flush()
}
