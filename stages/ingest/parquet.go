package ingest

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
)

// copyParquet streams Parquet files into one table at out. Every file must
// have the first one's columns; with declared columns only those are kept,
// and each must have the declared type.
func copyParquet(cfg *config, srcs []source, out string, progress stages.Progress) (rows, nbytes int64, err error) {
	var names []string
	for _, c := range cfg.columns {
		names = append(names, c.name)
	}
	var w *table.Writer
	var first string
	defer func() {
		if w != nil {
			if err != nil {
				w.Abort()
			} else {
				err = w.Close()
			}
		}
	}()
	for _, src := range srcs {
		r, err := table.OpenColumns(src.abs, names)
		if err != nil {
			return 0, 0, err
		}
		if st, err := os.Stat(src.abs); err == nil {
			nbytes += st.Size()
		}
		if w == nil {
			if err := checkDeclared(cfg.columns, r.Schema()); err != nil {
				r.Close()
				return 0, 0, fmt.Errorf("%s: %w", src.name, err)
			}
			if w, err = table.Create(out, r.Schema()); err != nil {
				r.Close()
				return 0, 0, err
			}
			first = src.name
		} else if table.Fingerprint(r.Schema()) != table.Fingerprint(w.Schema()) {
			r.Close()
			return 0, 0, fmt.Errorf("%s: columns %s differ from those of %s (%s)", src.name, r.Schema(), first, w.Schema())
		}
		n, err := copyBatches(r, w, progress)
		r.Close()
		rows += n
		if err != nil {
			return 0, 0, err
		}
	}
	return rows, nbytes, nil
}

// copyBatches copies every batch of r to w.
func copyBatches(r *table.Reader, w *table.Writer, progress stages.Progress) (int64, error) {
	var n int64
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		err = w.Write(rec)
		n += rec.NumRows()
		progress.Add(rec.NumRows())
		rec.Release()
		if err != nil {
			return n, err
		}
	}
}

// checkDeclared checks that each declared column has its declared type.
func checkDeclared(cols []column, s *arrow.Schema) error {
	for _, c := range cols {
		idx := s.FieldIndices(c.name)
		if len(idx) == 0 {
			return fmt.Errorf("missing declared column %q", c.name)
		}
		got := s.Field(idx[0]).Type
		ok := false
		switch c.typ {
		case typeString:
			ok = got.ID() == arrow.STRING || got.ID() == arrow.LARGE_STRING
		case typeInt:
			ok = arrow.IsInteger(got.ID())
		case typeFloat:
			ok = arrow.IsFloating(got.ID())
		case typeBool:
			ok = got.ID() == arrow.BOOL
		}
		if !ok {
			return fmt.Errorf("column %q is %s, declared %s", c.name, got, c.typ)
		}
	}
	return nil
}
