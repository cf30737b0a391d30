// Package engine runs training and evaluation steps of a models.Net on a GoMLX
// backend: forward pass, loss, gradients (with the DotGeneral gradient of
// package grad), gradient accumulation, global-norm clipping and AdamW, all
// inside one compiled graph per kind of step. The weights and optimizer state
// are held as tensors between steps and copied to the host only for
// checkpoints and outputs.
package engine
