package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/stages/tokenize"
)

func init() { extraCommands = append(extraCommands, newTokenizerCmd) }

// newTokenizerCmd is `pipeline tokenizer encode|decode|train`.
func newTokenizerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tokenizer",
		Short: "Encode, decode (JSONL on stdin and stdout) and train tokenizers",
	}
	cmd.AddCommand(newTokenizerEncodeCmd(), newTokenizerDecodeCmd(), newTokenizerTrainCmd())
	return cmd
}

func loadTokenizer(path string) (tokenize.Tokenizer, error) {
	if path == "" {
		return nil, usageError("--tokenizer is required")
	}
	t, err := tokenize.Load(path)
	if err != nil {
		return nil, usageError("%v", err)
	}
	return t, nil
}

func newTokenizerEncodeCmd() *cobra.Command {
	var path string
	var pieces bool
	cmd := &cobra.Command{
		Use:   "encode --tokenizer PATH [--pieces]",
		Short: `Read {"text": ...} lines on stdin, write {"ids": [...]} lines on stdout, same order`,
		Args:  exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			t, err := loadTokenizer(path)
			if err != nil {
				return err
			}
			if err := tokenize.EncodeJSONL(t, os.Stdin, os.Stdout, pieces); err != nil {
				return failure("%v", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&path, "tokenizer", "", "`FILE`: a tokenizer.json, a SentencePiece .model, or what a train stage wrote")
	cmd.Flags().BoolVar(&pieces, "pieces", false, `also write each token's text as "pieces"`)
	return cmd
}

func newTokenizerDecodeCmd() *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "decode --tokenizer PATH",
		Short: `Read {"ids": [...]} lines on stdin, write {"text": ...} lines on stdout, same order`,
		Args:  exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			t, err := loadTokenizer(path)
			if err != nil {
				return err
			}
			if err := tokenize.DecodeJSONL(t, os.Stdin, os.Stdout); err != nil {
				return failure("%v", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&path, "tokenizer", "", "`FILE`: a tokenizer.json, a SentencePiece .model, or what a train stage wrote")
	return cmd
}

func newTokenizerTrainCmd() *cobra.Command {
	var opts tokenize.Options
	var output string
	var vocab, minFreq int
	var specials []string
	cmd := &cobra.Command{
		Use:   "train --type bpe --vocab-size N [--min-frequency N] --output FILE TEXTFILE...",
		Short: "Train a tokenizer on text files (one text per line, .gz read as gzip) and save it as tokenizer.json",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError("%s needs at least one TEXTFILE (usage: %s)", c.CommandPath(), c.UseLine())
			}
			return nil
		},
		RunE: func(c *cobra.Command, files []string) error {
			if output == "" {
				return usageError("--output is required")
			}
			opts.VocabSize, opts.MinFrequency, opts.Specials = vocab, int64(minFreq), specials
			switch opts.Type {
			case tokenize.TypeBPE, tokenize.TypeByte, tokenize.TypeChar, tokenize.TypeWhitespace:
			default:
				return usageError("--type must be bpe, byte, char or whitespace, got %q", opts.Type)
			}
			if opts.Type == tokenize.TypeBPE && vocab <= 0 {
				return usageError("--vocab-size is required for --type bpe")
			}
			t, err := tokenize.TrainFiles(opts, files, output)
			if err != nil {
				return failure("%v", err)
			}
			log := logger()
			log.Info().Str("output", output).Int("vocab_size", t.VocabSize()).Msg("tokenizer trained")
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.Type, "type", tokenize.TypeBPE, "bpe (byte-level BPE), byte, char or whitespace")
	cmd.Flags().IntVar(&vocab, "vocab-size", 0, "vocabulary size (bpe: to reach; char, whitespace: bound)")
	cmd.Flags().IntVar(&minFreq, "min-frequency", 0, "fewest occurrences of a pair to merge it")
	cmd.Flags().StringSliceVar(&specials, "special-tokens", nil, "special tokens, given the first ids")
	cmd.Flags().StringVarP(&output, "output", "o", "", "where to write the tokenizer.json")
	return cmd
}
