package engine

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/mlpipe/pipeline/stages/train/models"
)

// Predictor runs a Net's forward pass with fixed weights: the weights are
// placed on the backend once, and one graph is compiled per batch shape.
// It is not safe for concurrent use.
type Predictor struct {
	backend backends.Backend
	net     Net
	specs   []models.ParamSpec
	params  []*tensors.Tensor
	exec    *graph.Exec
}

// NewPredictor places values (one per spec) on backend.
func NewPredictor(backend backends.Backend, net Net, specs []models.ParamSpec, values [][]float32) (*Predictor, error) {
	if len(values) != len(specs) {
		return nil, fmt.Errorf("predictor: %d parameter specs, %d values", len(specs), len(values))
	}
	p := &Predictor{backend: backend, net: net, specs: specs}
	for i, s := range specs {
		if len(values[i]) != s.Size() {
			return nil, fmt.Errorf("predictor: parameter %s has %d values, want %d (%v)", s.Name, len(values[i]), s.Size(), s.Dims)
		}
		p.params = append(p.params, tensors.FromFlatDataAndDimensions(values[i], s.Dims...))
	}
	return p, nil
}

// Run returns the forward pass's float32 output on rows×seq ids and mask
// (row-major), flat, with its dimensions.
func (p *Predictor) Run(ids []int32, mask []float32, rows, seq int) (out []float32, dims []int, err error) {
	if len(ids) != rows*seq || len(mask) != rows*seq {
		return nil, nil, fmt.Errorf("predictor: batch of %d×%d has %d ids and %d mask values", rows, seq, len(ids), len(mask))
	}
	if p.exec == nil {
		ex, err := graph.NewExec(p.backend, func(in []*graph.Node) *graph.Node {
			n := len(p.specs)
			w := make(models.Weights, n)
			for i, s := range p.specs {
				w[s.Name] = in[i]
			}
			y, _ := p.net.Forward(w, in[n], in[n+1], nil)
			return y
		})
		if err != nil {
			return nil, nil, fmt.Errorf("building the forward graph: %w", err)
		}
		p.exec = ex.WithName("forward")
	}
	args := make([]any, 0, len(p.params)+2)
	for _, t := range p.params {
		args = append(args, t)
	}
	args = append(args, tensors.FromFlatDataAndDimensions(ids, rows, seq), tensors.FromFlatDataAndDimensions(mask, rows, seq))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("running the forward graph: %v", r)
		}
	}()
	res, err := p.exec.Exec(args...)
	if err != nil {
		return nil, nil, fmt.Errorf("running the forward graph: %w", err)
	}
	t := res[0]
	dims = t.Shape().Dimensions
	out = tensors.MustCopyFlatData[float32](t)
	_ = t.FinalizeAll()
	return out, dims, nil
}

// Close frees the weights on the backend.
func (p *Predictor) Close() {
	for _, t := range p.params {
		_ = t.FinalizeAll()
	}
	p.params = nil
}
