package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/stages/predict"
	"github.com/mlpipe/pipeline/stages/train/backend"
)

func init() { extraCommands = append(extraCommands, newPredictCmd) }

// newPredictCmd is `pipeline predict MODEL_DIR < in.jsonl > out.jsonl`.
func newPredictCmd() *cobra.Command {
	o := predict.StreamOptions{Sampling: predict.Sampling{StopID: predict.NoStop}}
	var input, backendName string
	var batch int
	cmd := &cobra.Command{
		Use:   "predict MODEL_DIR [--input FILE]",
		Short: `Predict on JSONL ({"text": ...} per line, stdin by default) with a train stage's model; JSONL out, same order`,
		Long: `Predict reads one JSON object per line (stdin, or --input FILE), tokenizes its --field string with
MODEL_DIR/tokenizer.json, and writes one JSON object per input line to stdout, in input order, a batch
(--batch-size lines) at a time as soon as it is done. MODEL_DIR is a train stage's model output, e.g.
.pipeline/out/<definition>/<stage>/model. An input "id" is copied through.

A classifier writes {"id", "label", "probability", "probs": {label: probability}}; a language model
{"id", "generated", "generated_ids"}, continuing the text greedily or by sampling (--strategy sample,
--temperature, --top-k, --top-p), seeded by --seed and the line's index, without a key-value cache
(each new token is one forward pass). Blank lines are skipped. A line longer than 1 MiB, not a JSON
object, or without a string field is an error naming the line (exit status 1).`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if batch <= 0 {
				return usageError("--batch-size %d: must be positive", batch)
			}
			if err := o.Sampling.Check(); err != nil {
				return usageError("%v", flagError(err))
			}
			if err := backend.Check(backendName, "float32"); err != nil {
				return usageError("--backend: %v", err)
			}
			m, err := predict.OpenModel(args[0], backendName, batch)
			if err != nil {
				return usageError("%v", err)
			}
			defer m.Close()
			if m.Tokenizer == nil {
				_, err := m.Encode("")
				return usageError("%v", err)
			}
			if v := m.Vocab(); o.Sampling.StopID >= 0 && v > 0 && o.Sampling.StopID >= int64(v) {
				return usageError("--stop-at-eos %d: outside the model's vocabulary of %d", o.Sampling.StopID, v)
			}
			var in io.Reader = c.InOrStdin()
			if input != "" {
				f, err := os.Open(input)
				if err != nil {
					return usageError("--input: %v", err)
				}
				defer f.Close()
				in = f
			}
			restoreGC()
			if err := predict.PredictJSONL(c.Context(), m, in, c.OutOrStdout(), o); err != nil {
				return failure("predicting with %s: %v", args[0], flagError(err))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&input, "input", "", "read JSONL from FILE instead of stdin")
	f.StringVar(&o.Field, "field", "text", "the text field of each input object")
	f.IntVar(&batch, "batch-size", predict.DefaultBatch, "lines predicted at once")
	f.StringVar(&backendName, "backend", backend.Default, "go (SimpleGo), xla, xla:cpu, xla:cuda")
	f.IntVar(&o.Sampling.MaxNewTokens, "max-new-tokens", predict.DefaultMaxNewTokens, "language models: most tokens generated per line")
	f.StringVar(&o.Sampling.Strategy, "strategy", predict.Greedy, "language models: greedy or sample")
	f.Float64Var(&o.Sampling.Temperature, "temperature", 1, "language models: divides the logits before sampling (> 0)")
	f.IntVar(&o.Sampling.TopK, "top-k", 0, "language models: sample among the k most likely tokens (0: off)")
	f.Float64Var(&o.Sampling.TopP, "top-p", 1, "language models: sample among the fewest most likely tokens whose probability reaches p (1: off)")
	f.Int64Var(&o.Sampling.StopID, "stop-at-eos", predict.NoStop, "language models: a token id that ends a line's generation (-1: none)")
	f.Int64Var(&o.Sampling.Seed, "seed", 0, "language models: sampling seed")
	return cmd
}

// flagError spells a generation setting's error with its flag's name
// (--top-p rather than top_p).
func flagError(err error) error {
	var pe *predict.ParamError
	if !errors.As(err, &pe) {
		return err
	}
	return fmt.Errorf("--%s %v: %s", strings.ReplaceAll(pe.Param, "_", "-"), pe.Value, pe.Problem)
}
