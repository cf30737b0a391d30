package split

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/zeebo/xxh3"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
)

// dropped marks a row removed by dedupe.
const dropped = -1

// splitter places rows: it hashes keys and remembers the keys seen.
type splitter struct {
	cfg      *config
	keyCol   int // -1: the whole row
	classCol int // -1: no stratification
	cum      []float64
	seen     map[xxh3.Uint128]struct{}
	buf      []byte
	deduped  int64
}

// newSplitter checks the columns cfg names against schema.
func newSplitter(cfg *config, schema *arrow.Schema) (*splitter, error) {
	s := &splitter{cfg: cfg, keyCol: -1, classCol: -1, cum: cumulate(cfg.fractions)}
	col := func(what, name string) (int, error) {
		idx := schema.FieldIndices(name)
		if len(idx) == 0 {
			var have []string
			for _, f := range schema.Fields() {
				have = append(have, f.Name)
			}
			return 0, fmt.Errorf("with.%s: no column %q (columns: %s)", what, name, strings.Join(have, ", "))
		}
		return idx[0], nil
	}
	var err error
	if cfg.key != "" {
		if s.keyCol, err = col("key", cfg.key); err != nil {
			return nil, err
		}
	}
	if cfg.stratify != "" {
		if s.classCol, err = col("stratify", cfg.stratify); err != nil {
			return nil, err
		}
	}
	if cfg.dedupe {
		s.seen = map[xxh3.Uint128]struct{}{}
	}
	return s, nil
}

// hash returns the seeded hash of row i's key, and whether dedupe drops it.
func (s *splitter) hash(rec arrow.RecordBatch, i int) (uint64, bool) {
	if s.keyCol >= 0 {
		s.buf = appendCell(s.buf[:0], rec.Column(s.keyCol), i)
	} else {
		s.buf = appendRow(s.buf[:0], rec, i)
	}
	if s.seen != nil {
		k := xxh3.Hash128(s.buf)
		if _, dup := s.seen[k]; dup {
			s.deduped++
			return 0, true
		}
		s.seen[k] = struct{}{}
	}
	return xxh3.HashSeed(s.buf, uint64(s.cfg.seed)), false
}

// splitTable reads the table at in and writes its parts to outs (by name).
func splitTable(ctx context.Context, cfg *config, in string, outs []string, progress stages.Progress) (map[string]float64, error) {
	r, err := table.Open(in)
	if err != nil {
		return nil, err
	}
	// Both passes release each batch before the next and keep nothing of
	// it (keys and classes are copied), so batches may share memory.
	r.RecycleBatches()
	schema, total := r.Schema(), r.NumRows()
	sp, err := newSplitter(cfg, schema)
	if err != nil {
		r.Close()
		return nil, err
	}
	var plan []int16
	if cfg.method == methodExact || cfg.stratify != "" {
		plan, err = planPass(ctx, cfg, in, r, sp)
		r.Close()
		if err != nil {
			return nil, err
		}
		if r, err = table.Open(in); err != nil {
			return nil, err
		}
		r.RecycleBatches()
		sp.seen = nil // dedupe was settled by the plan
	}
	defer r.Close()
	progress.Start(total, "rows")

	ws := make([]*table.Writer, len(outs))
	fail := func(err error) (map[string]float64, error) {
		for _, w := range ws {
			if w != nil {
				w.Abort()
			}
		}
		return nil, err
	}
	for i, p := range outs {
		if ws[i], err = table.Create(p, schema); err != nil {
			return fail(err)
		}
	}
	counts := make([]int64, len(outs))
	parts := make([][]int32, len(outs))
	var row int64
	for rec, err := range r.All() {
		if err != nil {
			return fail(err)
		}
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		for k := range parts {
			parts[k] = parts[k][:0]
		}
		n := int(rec.NumRows())
		for i := range n {
			var k int
			if plan != nil {
				k = int(plan[row+int64(i)])
			} else if h, drop := sp.hash(rec, i); drop {
				k = dropped
			} else {
				k = bucket(h, sp.cum)
			}
			if k != dropped {
				parts[k] = append(parts[k], int32(i))
			}
		}
		row += int64(n)
		err := writeParts(ctx, rec, parts, ws, counts)
		progress.Add(int64(n))
		if err != nil {
			return fail(err)
		}
	}
	for i, c := range counts {
		if c == 0 {
			return fail(fmt.Errorf("part %q is empty (%d rows in, fraction %g); use more data or a larger fraction", cfg.names[i], total, cfg.fractions[i]))
		}
	}
	for _, w := range ws {
		if err := w.Close(); err != nil {
			return fail(err)
		}
	}
	metrics := map[string]float64{"rows_deduped": float64(sp.deduped)}
	for i, n := range cfg.names {
		metrics["rows_"+n] = float64(counts[i])
	}
	return metrics, nil
}

// writeParts writes the rows parts[k] of rec to ws[k].
func writeParts(ctx context.Context, rec arrow.RecordBatch, parts [][]int32, ws []*table.Writer, counts []int64) error {
	for k, idx := range parts {
		if len(idx) == 0 {
			continue
		}
		counts[k] += int64(len(idx))
		if len(idx) == int(rec.NumRows()) {
			if err := ws[k].Write(rec); err != nil {
				return err
			}
			continue
		}
		sub, err := take(ctx, rec, idx)
		if err != nil {
			return err
		}
		err = ws[k].Write(sub)
		sub.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// take returns the rows idx of rec.
func take(ctx context.Context, rec arrow.RecordBatch, idx []int32) (arrow.RecordBatch, error) {
	b := array.NewInt32Builder(memory.DefaultAllocator)
	b.AppendValues(idx, nil)
	indices := b.NewArray()
	b.Release()
	defer indices.Release()
	cols := make([]arrow.Array, rec.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, c := range rec.Columns() {
		var err error
		if cols[i], err = compute.TakeArray(ctx, c, indices); err != nil {
			return nil, fmt.Errorf("selecting rows of column %q: %w", rec.ColumnName(i), err)
		}
	}
	return array.NewRecordBatch(rec.Schema(), cols, int64(len(idx))), nil
}

// member is one row in the exact plan.
type member struct {
	hash uint64
	row  int64
}

// exactPlan reads every row, groups rows by class (one class without
// stratify), orders each class by hash (then position) and cuts it by the
// fractions. It returns each row's part, or dropped.
func exactPlan(ctx context.Context, r *table.Reader, sp *splitter) ([]int16, error) {
	plan := make([]int16, 0, r.NumRows())
	classIndex := map[string]int{}
	var classes [][]member
	var cbuf []byte
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			rec.Release()
			return nil, err
		}
		for i := range int(rec.NumRows()) {
			row := int64(len(plan))
			h, drop := sp.hash(rec, i)
			if drop {
				plan = append(plan, dropped)
				continue
			}
			plan = append(plan, 0)
			c := 0
			if sp.classCol >= 0 {
				cbuf = appendCell(cbuf[:0], rec.Column(sp.classCol), i)
				var ok bool
				if c, ok = classIndex[string(cbuf)]; !ok {
					c = len(classes)
					classIndex[string(cbuf)] = c
				}
			}
			if c == len(classes) {
				classes = append(classes, nil)
			}
			classes[c] = append(classes[c], member{hash: h, row: row})
		}
		rec.Release()
	}
	totals := make([]int, len(sp.cfg.names))
	for _, ms := range classes {
		slices.SortFunc(ms, func(a, b member) int {
			if c := cmp.Compare(a.hash, b.hash); c != 0 {
				return c
			}
			return cmp.Compare(a.row, b.row)
		})
		at := 0
		for k, n := range cut(len(ms), sp.cfg.fractions) {
			for _, m := range ms[at : at+n] {
				plan[m.row] = int16(k)
			}
			at += n
			totals[k] += n
		}
	}
	for k, n := range totals {
		if n == 0 {
			return nil, fmt.Errorf("part %q would be empty (%d rows in, fraction %g); use more data or a larger fraction",
				sp.cfg.names[k], len(plan), sp.cfg.fractions[k])
		}
	}
	return plan, nil
}

// planPass runs exactPlan reading only what it needs: with a key column,
// the key and the stratify column (a text column is never decoded for the
// plan); without one the whole row is the key, so r itself is read.
func planPass(ctx context.Context, cfg *config, in string, r *table.Reader, sp *splitter) ([]int16, error) {
	if cfg.key == "" {
		return exactPlan(ctx, r, sp)
	}
	cols := []string{cfg.key}
	if cfg.stratify != "" && cfg.stratify != cfg.key {
		cols = append(cols, cfg.stratify)
	}
	pr, err := table.OpenColumns(in, cols)
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	pr.RecycleBatches()
	psp, err := newSplitter(cfg, pr.Schema())
	if err != nil {
		return nil, err
	}
	plan, err := exactPlan(ctx, pr, psp)
	sp.deduped = psp.deduped
	return plan, err
}
