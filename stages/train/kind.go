// Package train implements the `train` stage kind: it trains a GoMLX model
// (bag-of-tokens classifier, transformer encoder classifier or decoder-only
// language model) on tokenized tables, checkpoints into the stage's scratch
// directory so a killed run resumes bit for bit, optionally fine-tunes a base
// model with LoRA, and writes the model artifact and a training history.
package train

import (
	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train/backend"
)

// Kind is the train stage kind.
type Kind struct{}

func init() { stages.Register(Kind{}) }

// Name implements stages.Kind.
func (Kind) Name() string { return "train" }

// Version implements stages.Kind. Bump it whenever outputs could change.
func (Kind) Version() string { return "2" }

// Implementations implements stages.Implementations: the table format it writes and the GoMLX release it computes with.
func (Kind) Implementations() map[string]string {
	return map[string]string{"table": table.FormatVersion, "gomlx": backend.GoMLXVersion, "simplego_dot": backend.DotKernels()}
}

// Doc implements stages.Kind.
func (Kind) Doc() string {
	return "train a GoMLX model (bag_of_tokens, transformer_classifier, transformer_lm) on tokenized tables; resumable, seeded, LoRA fine-tuning"
}

// Output ports.
const (
	PortModel   = "model"
	PortHistory = "history"
)

// Input ports.
const (
	InputTrain = "train"
	InputVal   = "val"
	InputBase  = "base"
)
