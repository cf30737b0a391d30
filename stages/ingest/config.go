package ingest

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/mlpipe/pipeline/stages"
)

// Input formats.
const (
	formatJSONL   = "jsonl"
	formatCSV     = "csv"
	formatTSV     = "tsv"
	formatParquet = "parquet"
	formatText    = "text"
)

// What to do with a bad record.
const (
	onErrorFail = "fail"
	onErrorSkip = "skip"
)

// defaultBatchRows is the number of rows gathered before a batch is written.
const defaultBatchRows = 8192

// defaultInferRows is the number of records schema inference looks at.
const defaultInferRows = 1000

// config is a stage's resolved `with:`, checked.
type config struct {
	path      string
	format    string // "" until resolved from the file names
	columns   []column
	declared  bool // columns were given
	header    bool
	skipRows  int64
	delimiter byte
	onError   string
	perFile   bool
	// paragraphs: format text, a row per paragraph.
	paragraphs bool
	batchRows  int
	inferRows  int
	limits     limits
}

// maxSkipRows bounds skip_rows.
const maxSkipRows = 1 << 20

// parseConfig checks params beyond what the schema says. fromInput says the
// files come from the `src` input port, where `path` is optional and
// relative to it.
func parseConfig(params map[string]any, fromInput bool) (*config, error) {
	completed, err := stages.Complete(Kind{}.Schema(), params)
	if err != nil {
		return nil, fmt.Errorf("reading ingest parameters: %w", err)
	}
	p := stages.Params(completed)
	c := &config{
		path:       p.String("path"),
		format:     p.String("format"),
		header:     p.Bool("header"),
		skipRows:   p.Int("skip_rows"),
		onError:    p.String("on_error"),
		perFile:    p.Bool("per_file"),
		paragraphs: p.Bool("paragraphs"),
		batchRows:  int(p.Int("batch_rows")),
		inferRows:  int(p.Int("infer_rows")),
	}
	if c.perFile && c.paragraphs {
		return nil, fmt.Errorf("with.paragraphs: a row is a file (per_file) or a paragraph, not both")
	}
	switch {
	case fromInput && (filepath.IsAbs(c.path) || slices.Contains(strings.Split(filepath.ToSlash(c.path), "/"), "..")):
		return nil, fmt.Errorf("with.path: %q must lie inside the `%s` input (relative, without ..)", c.path, PortSource)
	case fromInput && c.path == "":
		c.path = "."
	case c.path == "":
		return nil, fmt.Errorf("with.path: required (or wire an upstream output to the `%s` input)", PortSource)
	}
	c.limits = limits{
		record:       p.Int("max_record_bytes"),
		decompressed: p.Int("max_decompressed_bytes"),
		ratio:        p.Float("max_ratio"),
	}
	if d, ok := params["delimiter"]; ok && d != nil {
		s := fmt.Sprint(d)
		if s == `\t` {
			s = "\t"
		}
		if len(s) != 1 || s[0] == '"' || s[0] == '\n' || s[0] == '\r' {
			return nil, fmt.Errorf("with.delimiter: %q must be one byte other than a quote or a line break", s)
		}
		c.delimiter = s[0]
	}
	cols, err := parseColumns(params["columns"])
	if err != nil {
		return nil, err
	}
	c.columns, c.declared = cols, cols != nil
	return c, nil
}

// parseColumns reads `columns`: either a map {name: type} (columns sorted by
// name, since a decoded map has no order) or a list of one-entry maps
// [{name: type}, ...] (columns in the order given).
func parseColumns(v any) ([]column, error) {
	if v == nil {
		return nil, nil
	}
	var cols []column
	add := func(name string, t any) error {
		ts, ok := t.(string)
		if !ok {
			return fmt.Errorf("with.columns.%s: type must be a string, not %v", name, t)
		}
		ct, err := parseColType(ts)
		if err != nil {
			return fmt.Errorf("with.columns.%s: %w", name, err)
		}
		for _, c := range cols {
			if c.name == name {
				return fmt.Errorf("with.columns.%s: declared twice", name)
			}
		}
		cols = append(cols, column{name: name, typ: ct, nullable: true})
		return nil
	}
	switch m := v.(type) {
	case map[string]any:
		names := make([]string, 0, len(m))
		for k := range m {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, n := range names {
			if err := add(n, m[n]); err != nil {
				return nil, err
			}
		}
	case []any:
		for i, e := range m {
			em, ok := e.(map[string]any)
			if !ok || len(em) != 1 {
				return nil, fmt.Errorf("with.columns[%d]: want a one-entry map {name: type}", i)
			}
			for k, t := range em {
				if err := add(k, t); err != nil {
					return nil, err
				}
			}
		}
	default:
		return nil, fmt.Errorf("with.columns: want a map {name: type} or a list of them")
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("with.columns: empty")
	}
	return cols, nil
}

// parseColType reads a declared column type.
func parseColType(s string) (colType, error) {
	switch strings.ToLower(s) {
	case "string", "str", "text":
		return typeString, nil
	case "int", "int64", "integer":
		return typeInt, nil
	case "float", "float64", "double", "number":
		return typeFloat, nil
	case "bool", "boolean":
		return typeBool, nil
	}
	return 0, fmt.Errorf("unknown type %q (want string, int, float or bool)", s)
}

// checkTextOptions refuses the options of format text on another format
// (format "" is not known yet: the files come from an input).
func checkTextOptions(c *config) error {
	if c.format == "" || c.format == formatText {
		return nil
	}
	if c.perFile {
		return fmt.Errorf("with.per_file: only for format text, not %s", c.format)
	}
	if c.paragraphs {
		return fmt.Errorf("with.paragraphs: only for format text, not %s", c.format)
	}
	return nil
}
