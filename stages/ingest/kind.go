// Package ingest implements `kind: ingest`: JSON Lines, CSV, TSV, Parquet and
// text files (plain, .gz or .zst; one file, a directory or a glob) into one
// Parquet table on the port `data`, streaming in batches. With
// `on_error: skip`, bad records go to a second table, `rejected` (file, line,
// error, raw text).
//
// Columns are inferred from the first records (JSONL: members in order of
// first appearance; CSV: the header, else column1, column2, ...) unless
// `columns` declares them. Declared columns are exactly the output: other
// JSON members and CSV fields are dropped, and a declared column that is
// missing is an error. Without a CSV header, declared columns are taken by
// position, so give them as a list. Metrics: rows, rows_rejected and bytes
// (bytes read after decompression; for Parquet, the file sizes).
package ingest

import (
	"context"
	"fmt"
	"slices"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
)

// Kind is the ingest stage kind.
type Kind struct{}

func init() { stages.Register(Kind{}) }

// Name implements stages.Kind.
func (Kind) Name() string { return "ingest" }

// Version implements stages.Kind.
func (Kind) Version() string { return "2" }

// Implementations implements stages.Implementations: the table format it writes.
func (Kind) Implementations() map[string]string {
	return map[string]string{"table": table.FormatVersion}
}

// PortSource is the optional input port whose file or directory (an upstream
// output) is read instead of files of the definition's directory.
const PortSource = "src"

// Output ports: the table read, and (with on_error: skip) the rows rejected.
const (
	PortData     = "data"
	PortRejected = "rejected"
)

// Doc implements stages.Kind.
func (Kind) Doc() string {
	return "read JSONL, CSV, TSV, Parquet or text files (.gz/.zst too) into a Parquet table"
}

// Schema implements stages.Kind.
func (Kind) Schema() stages.Schema {
	return stages.Schema{
		Outputs: "data (the default port); rejected too with on_error: skip",
		Inputs:  []string{PortSource},
		Params: []stages.Param{
			{Name: "path", Type: stages.String, Doc: "a file, a directory or a glob, relative to the definition; with a `src` input, inside it (default: all of it)"},
			{Name: "format", Type: stages.String, Enum: []string{formatJSONL, formatCSV, formatTSV, formatParquet, formatText}, Doc: "input format (default: from the file names)"},
			{Name: "columns", Type: stages.Any, Doc: "declared columns: {name: type} (sorted by name) or [{name: type}, ...] (in order); types string, int, float, bool. Default: inferred"},
			{Name: "header", Type: stages.Bool, Default: true, Doc: "CSV/TSV: the first line names the columns"},
			{Name: "delimiter", Type: stages.String, Doc: "CSV/TSV: field separator (default , or tab)"},
			{Name: "skip_rows", Type: stages.Int, Default: int64(0), Min: stages.Num(0), Max: stages.Num(maxSkipRows), Doc: "CSV/TSV: lines skipped at the start of each file, before the header (meta lines, titles)"},
			{Name: "on_error", Type: stages.String, Default: onErrorFail, Enum: []string{onErrorFail, onErrorSkip}, Doc: "a bad record fails the stage, or is skipped into the `rejected` port"},
			{Name: "per_file", Type: stages.Bool, Default: false, Doc: "text: one row per file instead of per line"},
			{Name: "paragraphs", Type: stages.Bool,
				Doc: "text: one row per paragraph instead of per line (default false): the lines up to a blank one, each stripped of leading and trailing blanks and joined by one space (hard-wrapped prose unwrapped); `line` is its first line's"},
			{Name: "batch_rows", Type: stages.Int, Default: int64(defaultBatchRows), Min: stages.Num(1), Doc: "rows per record batch"},
			{Name: "infer_rows", Type: stages.Int, Default: int64(defaultInferRows), Min: stages.Num(1), Doc: "records read to infer a schema"},
			{Name: "max_record_bytes", Type: stages.Int, Default: int64(defaultMaxRecordBytes), Min: stages.Num(1), Doc: "longest record (line, CSV record, per-file text) read; a longer one is an error naming file:line, or a `rejected` row with on_error: skip"},
			{Name: "max_decompressed_bytes", Type: stages.Int, Default: int64(defaultMaxDecompressedBytes), Min: stages.Num(1), Doc: "most bytes one .gz or .zst file may decompress to"},
			{Name: "max_ratio", Type: stages.Float, Default: float64(defaultMaxRatio), Min: stages.Num(1), Doc: "most decompressed bytes per compressed byte of a .gz or .zst file (decompression bombs)"},
		},
	}
}

// Plan implements stages.Kind: it checks the parameters, resolves the input
// files (the stage's sources) and names the outputs.
func (Kind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	fromInput := slices.Contains(req.Inputs, PortSource)
	cfg, err := parseConfig(req.Params, fromInput)
	if err != nil {
		return nil, err
	}
	if fromInput {
		// The files are an upstream output, unknown until it has run; its
		// digest, not a source, enters the key.
		if err := checkTextOptions(cfg); err != nil {
			return nil, err
		}
		return planOutputs(cfg), nil
	}
	srcs, err := resolveSources(req.WorkDir, cfg.path)
	if err != nil {
		return nil, err
	}
	if cfg.format, err = resolveFormat(cfg.format, srcs); err != nil {
		return nil, err
	}
	if err := checkTextOptions(cfg); err != nil {
		return nil, err
	}
	if cfg.format == formatText && cfg.declared {
		return nil, fmt.Errorf("with.columns: format text has fixed columns")
	}
	plan := planOutputs(cfg)
	for _, s := range srcs {
		plan.Sources = append(plan.Sources, s.abs)
	}
	return plan, nil
}

// planOutputs names the outputs a configuration produces.
func planOutputs(cfg *config) *stages.Plan {
	plan := &stages.Plan{Outputs: []string{PortData}, DefaultOutput: PortData,
		Roles: map[string]stages.Role{PortData: stages.RoleTable}, Headline: []string{"rows", "rows_rejected", "bytes"}}
	if cfg.onError == onErrorSkip {
		plan.Outputs = append(plan.Outputs, PortRejected)
		plan.Roles[PortRejected] = stages.RoleTable
	}
	return plan
}

// Run implements stages.Kind.
func (k Kind) Run(ctx context.Context, env *stages.Env) (*stages.Result, error) {
	in, fromInput := env.Inputs[PortSource]
	cfg, err := parseConfig(env.Params, fromInput)
	if err != nil {
		return nil, err
	}
	var srcs []source
	if fromInput {
		srcs, err = inputSources(in, cfg.path)
	} else {
		srcs, err = resolveSources(env.WorkDir, cfg.path)
	}
	if err != nil {
		return nil, err
	}
	for i := range srcs {
		srcs[i].lim = cfg.limits
	}
	if cfg.format, err = resolveFormat(cfg.format, srcs); err != nil {
		return nil, err
	}
	if err := checkTextOptions(cfg); err != nil {
		return nil, err
	}
	env.Progress.Start(0, "rows")
	res, err := run(ctx, cfg, srcs, env)
	if err != nil {
		return nil, fmt.Errorf("ingesting %s: %w", cfg.path, err)
	}
	return res, nil
}

// run reads every source into the output tables.
func run(ctx context.Context, cfg *config, srcs []source, env *stages.Env) (*stages.Result, error) {
	if cfg.format == formatParquet {
		rows, nbytes, err := copyParquet(cfg, srcs, env.OutPath(PortData), env.Progress)
		if err != nil {
			return nil, err
		}
		res := &stages.Result{Metrics: map[string]float64{"rows": float64(rows), "bytes": float64(nbytes), "rows_rejected": 0}}
		if cfg.onError == onErrorSkip {
			rej, err := newRejectSink(env.OutPath(PortRejected))
			if err != nil {
				return nil, err
			}
			if err := rej.close(); err != nil {
				return nil, err
			}
		}
		return res, nil
	}

	var readFile func(src source, s *sink, n *int64) error
	var cols []column
	switch cfg.format {
	case formatJSONL:
		cols = cfg.columns
		if !cfg.declared {
			var err error
			if cols, err = inferJSONL(srcs, cfg.inferRows); err != nil {
				return nil, err
			}
		}
		r := newJSONLReader(cols, cfg.declared)
		r.limit = cfg.inferRows
		readFile = r.readFile
	case formatCSV, formatTSV:
		d := &delimited{cfg: cfg, cols: cfg.columns}
		if !cfg.declared {
			var err error
			if d.cols, err = d.infer(srcs); err != nil {
				return nil, err
			}
		}
		cols = d.cols
		readFile = d.readFile
	case formatText:
		cols = textColumns(cfg, len(srcs))
		withPath := len(srcs) > 1
		readFile = func(src source, s *sink, n *int64) error { return readText(cfg, src, withPath, s, n) }
	default:
		return nil, fmt.Errorf("unknown format %q", cfg.format)
	}

	var rej *rejectSink
	if cfg.onError == onErrorSkip {
		var err error
		if rej, err = newRejectSink(env.OutPath(PortRejected)); err != nil {
			return nil, err
		}
	}
	s, err := newSink(ctx, env.OutPath(PortData), cols, cfg.batchRows, rej, env.Progress)
	if err != nil {
		if rej != nil {
			rej.w.Abort()
		}
		return nil, err
	}
	var nbytes int64
	for _, src := range srcs {
		if err = readFile(src, s, &nbytes); err != nil {
			break
		}
		env.Log.Debug().Str("file", src.name).Int64("rows", s.rows+int64(s.pending)).Msg("ingested")
	}
	if err := s.close(err); err != nil {
		return nil, err
	}
	res := &stages.Result{Metrics: map[string]float64{"rows": float64(s.rows), "bytes": float64(nbytes), "rows_rejected": 0}}
	if rej != nil {
		res.Metrics["rows_rejected"] = float64(rej.rows)
		if rej.rows > 0 {
			env.Log.Warn().Int64("rows_rejected", rej.rows).Msg("bad records skipped")
		}
	}
	return res, nil
}
