package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/stages/predict"
	"github.com/mlpipe/pipeline/stages/train/backend"
)

func init() { extraCommands = append(extraCommands, newPredictCmd) }

// newPredictCmd is `pipeline predict MODEL_DIR < in.jsonl > out.jsonl`.
func newPredictCmd() *cobra.Command {
	var o predict.StreamOptions
	var input, backendName string
	o.Sampling.StopID = -1
	cmd := &cobra.Command{
		Use:   "predict MODEL_DIR [--input FILE]",
		Short: `Predict on JSONL ({"text": ...} per line, stdin by default) with a train stage's model; JSONL out, same order`,
		Args:  exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			m, err := predict.OpenModel(args[0], backendName)
			if err != nil {
				return usageError("%v", err)
			}
			defer m.Close()
			in := os.Stdin
			if input != "" {
				if in, err = os.Open(input); err != nil {
					return usageError("%v", err)
				}
				defer in.Close()
			}
			restoreGC()
			if err := predict.PredictJSONL(m, in, c.OutOrStdout(), o); err != nil {
				return failure("%v", err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&input, "input", "", "read JSONL from FILE instead of stdin")
	f.StringVar(&o.Field, "field", "text", "the text field of each input object")
	f.IntVar(&o.Batch, "batch-size", 32, "lines predicted at once")
	f.StringVar(&backendName, "backend", backend.Default, "go (SimpleGo), xla, xla:cpu, xla:cuda")
	f.IntVar(&o.Sampling.MaxNewTokens, "max-new-tokens", 32, "language models: tokens generated per line")
	f.StringVar(&o.Sampling.Strategy, "strategy", predict.Greedy, "language models: greedy or sample")
	f.Float64Var(&o.Sampling.Temperature, "temperature", 1, "sampling temperature")
	f.IntVar(&o.Sampling.TopK, "top-k", 0, "sample among the k most likely tokens (0: all)")
	f.Float64Var(&o.Sampling.TopP, "top-p", 1, "sample among the most likely tokens whose probability reaches p")
	f.Int64Var(&o.Sampling.Seed, "seed", 0, "sampling seed")
	return cmd
}
