package tokenize

import (
	"context"
	"fmt"
	"slices"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
)

// Kind is the `tokenize` stage kind: each input table gets an output table of
// the same port name with `input_ids` (list<int32>, and `attention_mask`,
// list<int8>, when padding) beside its columns; the tokenizer itself is the
// output port `tokenizer`.
type Kind struct{}

func init() { stages.Register(Kind{}) }

// Name implements stages.Kind.
func (Kind) Name() string { return "tokenize" }

// Version implements stages.Kind.
func (Kind) Version() string { return "3" }

// Implementations implements stages.Implementations: the table format it writes.
func (Kind) Implementations() map[string]string {
	return map[string]string{"table": table.FormatVersion}
}

// Doc implements stages.Kind.
func (Kind) Doc() string {
	return "tokenize a text column: byte, whitespace, char, trained byte-level BPE, or a tokenizer.json / SentencePiece file; padding and truncation"
}

// Schema implements stages.Kind.
func (Kind) Schema() stages.Schema {
	return stages.Schema{
		Outputs: "one tokenized table per input port, and tokenizer",
		Params: []stages.Param{
			{Name: "tokenizer", Type: stages.Map, Required: true, Doc: "which tokenizer, and how to build it", Fields: []stages.Param{
				{Name: "type", Type: stages.String, Required: true, Enum: []string{TypeByte, TypeWhitespace, TypeChar, TypeBPE, TypeFile},
					Doc: "byte, whitespace, char, bpe (trained byte-level BPE) or file"},
				{Name: "path", Type: stages.String, Doc: "type file: a tokenizer.json or SentencePiece .model (relative to the definition)"},
				{Name: "vocab_size", Type: stages.Int, Doc: "bpe: the vocabulary to reach; whitespace, char: its bound"},
				{Name: "min_frequency", Type: stages.Int, Doc: "bpe: fewest occurrences of a pair to merge it"},
				{Name: "train_on", Type: stages.String, Doc: "input port whose column trains the vocabulary (default: train, or the only input)"},
				{Name: "special_tokens", Type: stages.List, Elem: &stages.Param{Type: stages.String},
					Doc: "special tokens of a built tokenizer, first ids (default [<pad>])"},
				{Name: "pad_token", Type: stages.String, Doc: "the padding token (default: <pad>, [PAD] or <|pad|>, whichever exists)"},
			}},
			{Name: "column", Type: stages.String, Default: "text", Doc: "the text column of every input table"},
			{Name: "keep_columns", Type: stages.List, Elem: &stages.Param{Type: stages.String},
				Doc: "input columns carried into each output beside the token columns, in this order (default: every column but the text column, whose ids are the output; [\"*\"]: every column)"},
			{Name: "max_length", Type: stages.Int, Default: int64(0), Doc: "truncate to (and pad to, with padding max_length) this many ids; 0: no limit"},
			{Name: "padding", Type: stages.Any, Doc: "false|none, true|longest, max_length, or {to, side}"},
			{Name: "truncation", Type: stages.Any, Doc: "bool (default: on when max_length is set) or {side, stride, overflow}; overflow windows become extra rows"},
		},
	}
}

// PortTokenizer is the output port of the tokenizer the stage used (built or
// loaded), beside one tokenized table per input port.
const PortTokenizer = "tokenizer"

// Plan implements stages.Kind.
func (Kind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	cfg, err := parseConfig(req.Params, req.Inputs, req.WorkDir)
	if err != nil {
		return nil, err
	}
	plan := &stages.Plan{Outputs: append(append([]string(nil), cfg.ports...), PortTokenizer),
		Roles: map[string]stages.Role{PortTokenizer: stages.RoleTokenizer}, Headline: []string{"rows", "tokens", "truncated_rows", "vocab_size"}}
	for _, port := range cfg.ports {
		plan.Roles[port] = stages.RoleTable
	}
	if cfg.typ == TypeFile {
		tok, err := Load(cfg.path)
		if err != nil {
			return nil, fmt.Errorf("with.tokenizer.path: %w", err)
		}
		if _, err := padIDOf(tok, cfg); err != nil {
			return nil, err
		}
		plan.Sources = []string{cfg.path}
	} else if cfg.padToken != "" && !slices.Contains(cfg.specials, cfg.padToken) {
		return nil, fmt.Errorf("with.tokenizer.pad_token %q is not among special_tokens %v", cfg.padToken, cfg.specials)
	} else if padding := cfg.shape.Pad != "" && cfg.shape.Pad != NoPadding; padding && cfg.padToken == "" &&
		!slices.ContainsFunc(cfg.specials, func(s string) bool { return slices.Contains(padCandidates, s) }) {
		return nil, fmt.Errorf("padding needs a pad token: special_tokens %v has none of %v; set with.tokenizer.pad_token", cfg.specials, padCandidates)
	}
	return plan, nil
}

// Run implements stages.Kind.
func (Kind) Run(ctx context.Context, env *stages.Env) (*stages.Result, error) {
	inputs := make([]string, 0, len(env.Inputs))
	for p := range env.Inputs {
		inputs = append(inputs, p)
	}
	cfg, err := parseConfig(env.Params, inputs, env.WorkDir)
	if err != nil {
		return nil, err
	}
	metrics, err := run(ctx, cfg, env)
	if err != nil {
		return nil, fmt.Errorf("tokenizing %s: %w", env.Stage, err)
	}
	return &stages.Result{Metrics: metrics}, nil
}
