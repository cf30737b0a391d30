package tokenize

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/mlpipe/pipeline/stages"
)

// TypeFile is the stage's tokenizer type for a tokenizer read from a file.
const TypeFile = "file"

// config is a tokenize stage's resolved `with:`.
type config struct {
	typ          string
	path         string // type file: absolute or relative to the definition
	vocabSize    int
	minFrequency int64
	trainOn      string
	specials     []string
	padToken     string
	column       string
	// keep lists the input columns carried into the outputs; nil: all but
	// column (see keptColumns).
	keep     []string
	keepAll  bool
	shape    Shape
	overflow bool
	ports    []string // input ports, sorted
}

// parseConfig reads params for a stage whose input ports are inputs.
func parseConfig(params map[string]any, inputs []string, workDir string) (*config, error) {
	completed, err := stages.Complete(Kind{}.Schema(), params)
	if err != nil {
		return nil, fmt.Errorf("reading tokenize parameters: %w", err)
	}
	p := stages.Params(completed)
	tp := p.Map("tokenizer")
	if tp == nil {
		return nil, fmt.Errorf("with.tokenizer is required")
	}
	c := &config{
		typ:          tp.String("type"),
		path:         tp.String("path"),
		vocabSize:    int(tp.Int("vocab_size")),
		minFrequency: tp.Int("min_frequency"),
		trainOn:      tp.String("train_on"),
		specials:     tp.Strings("special_tokens"),
		padToken:     tp.String("pad_token"),
		column:       p.String("column"),
		keep:         p.Strings("keep_columns"),
		ports:        slices.Clone(inputs),
	}
	sort.Strings(c.ports)
	if len(c.ports) == 0 {
		return nil, fmt.Errorf("tokenize needs at least one input table")
	}
	if slices.Contains(c.ports, PortTokenizer) {
		return nil, fmt.Errorf("input port name %q is reserved for the tokenizer output", PortTokenizer)
	}
	if tp["special_tokens"] == nil && c.typ != TypeFile {
		c.specials = []string{"<pad>"}
	}
	switch c.typ {
	case TypeFile:
		if c.path == "" {
			return nil, fmt.Errorf("with.tokenizer.path is required for type file")
		}
		if !filepath.IsAbs(c.path) && workDir != "" {
			c.path = filepath.Join(workDir, c.path)
		}
	case TypeByte:
	case TypeBPE, TypeChar, TypeWhitespace:
		if c.typ == TypeBPE && c.vocabSize <= 0 {
			return nil, fmt.Errorf("with.tokenizer.vocab_size is required for type bpe")
		}
		if c.trainOn == "" {
			switch {
			case slices.Contains(c.ports, "train"):
				c.trainOn = "train"
			case len(c.ports) == 1:
				c.trainOn = c.ports[0]
			default:
				return nil, fmt.Errorf("with.tokenizer.train_on must name the input to train on (one of %v)", c.ports)
			}
		}
		if !slices.Contains(c.ports, c.trainOn) {
			return nil, fmt.Errorf("with.tokenizer.train_on: %q is not an input port (inputs: %v)", c.trainOn, c.ports)
		}
	case "":
		return nil, fmt.Errorf("with.tokenizer.type is required (byte, whitespace, char, bpe or file)")
	default:
		return nil, fmt.Errorf("with.tokenizer.type: unknown type %q (want byte, whitespace, char, bpe or file)", c.typ)
	}
	if err := c.checkKeep(); err != nil {
		return nil, err
	}
	c.shape.MaxLength = int(p.Int("max_length"))
	if err := c.parsePadding(p["padding"]); err != nil {
		return nil, err
	}
	if err := c.parseTruncation(p["truncation"]); err != nil {
		return nil, err
	}
	if err := c.shape.Check(); err != nil {
		return nil, fmt.Errorf("with: %w", err)
	}
	return c, nil
}

// parsePadding reads `padding`: false/"none", true/"longest", "max_length",
// or {to: longest|max_length, side: left|right}.
func (c *config) parsePadding(v any) error {
	switch v := v.(type) {
	case nil:
		c.shape.Pad = NoPadding
	case bool:
		c.shape.Pad = NoPadding
		if v {
			c.shape.Pad = PadLongest
		}
	case string:
		c.shape.Pad = PadTo(v)
	case map[string]any:
		m := stages.Params(v)
		c.shape.Pad = PadTo(m.String("to", string(PadLongest)))
		c.shape.PadSide = Side(m.String("side", string(Right)))
		for k := range m {
			if k != "to" && k != "side" {
				return fmt.Errorf("with.padding: unknown key %q (want to, side)", k)
			}
		}
	default:
		return fmt.Errorf("with.padding: want a bool, none|longest|max_length, or {to, side}; got %T", v)
	}
	return nil
}

// parseTruncation reads `truncation`: a bool, or {side, stride, overflow}.
// Truncation is on by default when max_length is set.
func (c *config) parseTruncation(v any) error {
	switch v := v.(type) {
	case nil:
		c.shape.Truncate = c.shape.MaxLength > 0
	case bool:
		c.shape.Truncate = v
	case map[string]any:
		m := stages.Params(v)
		c.shape.Truncate = true
		c.shape.TruncateSide = Side(m.String("side", string(Right)))
		c.shape.Stride = int(m.Int("stride", 0))
		c.overflow = m.Bool("overflow", false)
		for k := range m {
			if k != "side" && k != "stride" && k != "overflow" {
				return fmt.Errorf("with.truncation: unknown key %q (want side, stride, overflow)", k)
			}
		}
	default:
		return fmt.Errorf("with.truncation: want a bool or {side, stride, overflow}; got %T", v)
	}
	return nil
}

// KeepAll is the keep_columns entry that carries every input column.
const KeepAll = "*"

// checkKeep validates keep_columns: distinct names, or ["*"] alone.
func (c *config) checkKeep() error {
	seen := map[string]bool{}
	for _, k := range c.keep {
		switch {
		case k == KeepAll && len(c.keep) == 1:
			c.keepAll = true
		case k == KeepAll:
			return fmt.Errorf("with.keep_columns: %q keeps every column and cannot be listed with others", KeepAll)
		case k == "":
			return fmt.Errorf("with.keep_columns: an empty column name")
		case seen[k]:
			return fmt.Errorf("with.keep_columns: column %q is listed twice", k)
		}
		seen[k] = true
	}
	return nil
}

// keptColumns returns the indices of the input columns carried into an
// output: those keep_columns names (each must exist), every column with
// ["*"], or by default every column but the text column.
func (c *config) keptColumns(in *arrow.Schema, path string) ([]int, error) {
	var out []int
	switch {
	case c.keepAll:
		for i := range in.Fields() {
			out = append(out, i)
		}
	case c.keep != nil:
		for _, k := range c.keep {
			idx := in.FieldIndices(k)
			if len(idx) == 0 {
				return nil, fmt.Errorf("table %s has no column %q (with.keep_columns; columns: %s)", path, k, columnNames(in))
			}
			out = append(out, idx[0])
		}
	default:
		for i, f := range in.Fields() {
			if f.Name != c.column {
				out = append(out, i)
			}
		}
	}
	return out, nil
}

// columnNames lists a schema's column names for an error message.
func columnNames(s *arrow.Schema) string {
	names := make([]string, 0, s.NumFields())
	for _, f := range s.Fields() {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}
