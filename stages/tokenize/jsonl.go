package tokenize

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"os"
	"strconv"
	"strings"
)

// jsonlChunk is how many lines are encoded together, in parallel.
const jsonlChunk = 4096

// EncodeJSONL reads {"text": ...} lines from r and writes {"ids": [...]}
// lines (with "pieces" when pieces is set) to w, in the same order.
func EncodeJSONL(t Tokenizer, r io.Reader, w io.Writer, pieces bool) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	texts := make([]string, 0, jsonlChunk)
	flush := func() error {
		for _, ids := range EncodeBatch(t, texts, 0) {
			writeIDs(bw, ids, t, pieces)
		}
		texts = texts[:0]
		return nil
	}
	err := scanLines(r, func(n int, line []byte) error {
		var rec struct {
			Text *string `json:"text"`
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		if rec.Text == nil {
			return fmt.Errorf("line %d: no \"text\" field", n)
		}
		texts = append(texts, *rec.Text)
		if len(texts) == jsonlChunk {
			return flush()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("encoding JSONL: %w", err)
	}
	flush()
	return bw.Flush()
}

func writeIDs(w *bufio.Writer, ids []int32, t Tokenizer, pieces bool) {
	w.WriteString(`{"ids":[`)
	var num [16]byte
	for i, id := range ids {
		if i > 0 {
			w.WriteByte(',')
		}
		w.Write(strconv.AppendInt(num[:0], int64(id), 10))
	}
	w.WriteByte(']')
	if pieces {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(Pieces(t, ids))
		w.WriteString(`,"pieces":`)
		w.Write(bytes.TrimRight(b.Bytes(), "\n"))
	}
	w.WriteString("}\n")
}

// DecodeJSONL reads {"ids": [...]} lines from r and writes {"text": ...}
// lines to w, in the same order.
func DecodeJSONL(t Tokenizer, r io.Reader, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	err := scanLines(r, func(n int, line []byte) error {
		var rec struct {
			IDs *[]int32 `json:"ids"`
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		if rec.IDs == nil {
			return fmt.Errorf("line %d: no \"ids\" field", n)
		}
		return enc.Encode(struct {
			Text string `json:"text"`
		}{t.Decode(*rec.IDs)})
	})
	if err != nil {
		return fmt.Errorf("decoding JSONL: %w", err)
	}
	return bw.Flush()
}

// scanLines calls fn with each non-blank line of r and its 1-based number.
func scanLines(r io.Reader, fn func(n int, line []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<30)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := fn(n, line); err != nil {
			return err
		}
	}
	return sc.Err()
}

// FileLines yields the lines of text files (gzip'd when named *.gz), each
// with its line break, as training text. A read error stops the sequence
// and is stored in *err.
func FileLines(paths []string, err *error) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, p := range paths {
			if e := fileLines(p, yield); e != nil {
				*err = e
				return
			}
		}
	}
}

func fileLines(path string, yield func(string) bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading training text: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("reading training text %s: %w", path, err)
		}
		r = zr
	}
	br := bufio.NewReaderSize(r, 1<<16)
	for {
		line, err := br.ReadString('\n')
		if line != "" && !yield(line) {
			return nil
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading training text %s: %w", path, err)
		}
	}
}

// TrainFiles trains a tokenizer on the lines of text files and writes it to output.
func TrainFiles(opts Options, files []string, output string) (Tokenizer, error) {
	var readErr error
	t, err := New(opts, FileLines(files, &readErr))
	if readErr != nil {
		return nil, readErr
	}
	if err != nil {
		return nil, err
	}
	if err := SaveFile(t, output); err != nil {
		return nil, err
	}
	return t, nil
}

// SaveFile writes t to path.
func SaveFile(t Tokenizer, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("saving tokenizer: %w", err)
	}
	bw := bufio.NewWriter(f)
	err = t.Save(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("saving tokenizer %s: %w", path, err)
	}
	return nil
}
