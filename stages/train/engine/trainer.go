package engine

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/mlpipe/pipeline/stages/train/models"
)

// Hyper are the optimizer's settings.
type Hyper struct {
	// WeightDecay is AdamW's decoupled decay, applied to matrices only.
	WeightDecay float64
	// ClipNorm, when positive, scales the gradient so its global L2 norm is at most ClipNorm.
	ClipNorm float64
	// Beta1, Beta2 and Eps are Adam's.
	Beta1, Beta2, Eps float64
	// GradAccum is the number of micro-batches whose gradients are averaged per step.
	GradAccum int
}

// DefaultHyper returns AdamW's usual settings.
func DefaultHyper() Hyper {
	return Hyper{WeightDecay: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, GradAccum: 1}
}

// State is everything a training needs to continue: the optimizer step count,
// every parameter, and Adam's moments of the trainable ones (nil for frozen).
type State struct {
	Step   int64
	Params [][]float32
	M, V   [][]float32
}

// Net is the forward pass a Trainer trains: models.Net for the engine's own
// architectures, hf.Net for pretrained ones.
type Net interface {
	// Forward returns float32 logits of ids and mask under weights w; rng is
	// nil when evaluating, and the advanced RNG state is returned.
	Forward(w models.Weights, ids, mask, rng *graph.Node) (logits, newRNG *graph.Node)
	// PerToken reports whether there is one prediction per position (a
	// language model) rather than one per row.
	PerToken() bool
}

// Trainer holds a model's weights and optimizer state on a backend and runs
// training and evaluation steps. It is not safe for concurrent use.
type Trainer struct {
	backend   backends.Backend
	net       Net
	specs     []models.ParamSpec
	trainIdx  []int // positions in specs of the trainable parameters
	hyper     Hyper
	perToken  bool
	params    []*tensors.Tensor
	m, v      []*tensors.Tensor // one per trainable parameter
	step      int64
	stepExec  map[bool]*graph.Exec // by "has accumulated gradients"
	accumExec *graph.Exec
	evalExec  *graph.Exec
}

// New places state on backend. trainable[i] says whether specs[i] is trained;
// state.M and state.V may be nil for a fresh start.
func New(backend backends.Backend, net Net, specs []models.ParamSpec, trainable []bool, hyper Hyper, state *State) (*Trainer, error) {
	if len(state.Params) != len(specs) || len(trainable) != len(specs) {
		return nil, fmt.Errorf("trainer: %d parameter specs, %d values, %d trainable flags", len(specs), len(state.Params), len(trainable))
	}
	if hyper.GradAccum < 1 {
		hyper.GradAccum = 1
	}
	t := &Trainer{backend: backend, net: net, specs: specs, hyper: hyper, step: state.Step,
		perToken: net.PerToken(), stepExec: map[bool]*graph.Exec{}}
	for i, p := range specs {
		if len(state.Params[i]) != p.Size() {
			return nil, fmt.Errorf("trainer: parameter %s has %d values, want %d (%v)", p.Name, len(state.Params[i]), p.Size(), p.Dims)
		}
		t.params = append(t.params, tensors.FromFlatDataAndDimensions(clone(state.Params[i]), p.Dims...))
		if !trainable[i] {
			continue
		}
		t.trainIdx = append(t.trainIdx, i)
		m, v := make([]float32, p.Size()), make([]float32, p.Size())
		if state.M != nil && state.M[i] != nil {
			if len(state.M[i]) != p.Size() || len(state.V[i]) != p.Size() {
				return nil, fmt.Errorf("trainer: optimizer state of %s has %d/%d values, want %d", p.Name, len(state.M[i]), len(state.V[i]), p.Size())
			}
			copy(m, state.M[i])
			copy(v, state.V[i])
		}
		t.m = append(t.m, tensors.FromFlatDataAndDimensions(m, p.Dims...))
		t.v = append(t.v, tensors.FromFlatDataAndDimensions(v, p.Dims...))
	}
	return t, nil
}

func clone(v []float32) []float32 { return append([]float32(nil), v...) }

// Step returns the number of optimizer steps taken.
func (t *Trainer) Step() int64 { return t.step }

// weights maps parameter names to the graph's parameter nodes.
func (t *Trainer) weights(nodes []*graph.Node) models.Weights {
	w := make(models.Weights, len(t.specs))
	for i, p := range t.specs {
		w[p.Name] = nodes[i]
	}
	return w
}

// loss builds the mean loss of one batch.
func (t *Trainer) loss(w models.Weights, ids, mask, targets, weights, rng *graph.Node) *graph.Node {
	logits, _ := t.net.Forward(w, ids, mask, rng)
	loss, _ := models.WeightedLoss(models.NLL(logits, targets), weights)
	return loss
}

// batchInputs is the number of graph inputs a batch takes: ids, mask, targets, weights, rng.
const batchInputs = 5

// gradients builds the gradients of the batch loss with respect to the trainable parameters.
func (t *Trainer) gradients(params []*graph.Node, batch []*graph.Node) (loss *graph.Node, grads []*graph.Node) {
	loss = t.loss(t.weights(params), batch[0], batch[1], batch[2], batch[3], batch[4])
	wrt := make([]*graph.Node, len(t.trainIdx))
	for k, i := range t.trainIdx {
		wrt[k] = params[i]
	}
	return loss, graph.Gradient(loss, wrt...)
}

// buildStep is the graph of an optimizer step. Inputs: P params, K m, K v,
// [K accumulated gradients], one batch, lr, 1-β1^t, 1-β2^t, 1/GradAccum.
// Outputs: K params, K m, K v, loss, gradient norm (before clipping).
func (t *Trainer) buildStep(withAccum bool) func([]*graph.Node) []*graph.Node {
	return func(in []*graph.Node) []*graph.Node {
		p, k := len(t.specs), len(t.trainIdx)
		params, ms, vs := in[:p], in[p:p+k], in[p+k:p+2*k]
		rest := in[p+2*k:]
		var accum []*graph.Node
		if withAccum {
			accum, rest = rest[:k], rest[k:]
		}
		batch, scalars := rest[:batchInputs], rest[batchInputs:]
		lr, bc1, bc2, invN := scalars[0], scalars[1], scalars[2], scalars[3]
		loss, grads := t.gradients(params, batch)
		g := params[0].Graph()
		sq := graph.ScalarZero(g, dtypes.Float32)
		for j := range grads {
			if withAccum {
				grads[j] = graph.Add(grads[j], accum[j])
			}
			grads[j] = graph.Mul(grads[j], invN)
			sq = graph.Add(sq, graph.ReduceAllSum(graph.Square(grads[j])))
		}
		norm := graph.Sqrt(sq)
		scale := graph.ScalarOne(g, dtypes.Float32)
		if t.hyper.ClipNorm > 0 {
			scale = graph.Min(scale, graph.Div(graph.Scalar(g, dtypes.Float32, t.hyper.ClipNorm), graph.AddScalar(norm, 1e-6)))
		}
		b1, b2 := t.hyper.Beta1, t.hyper.Beta2
		out := make([]*graph.Node, 0, 3*k+2)
		newM, newV := make([]*graph.Node, k), make([]*graph.Node, k)
		for j, i := range t.trainIdx {
			gj := graph.Mul(grads[j], scale)
			newM[j] = graph.Add(graph.MulScalar(ms[j], b1), graph.MulScalar(gj, 1-b1))
			newV[j] = graph.Add(graph.MulScalar(vs[j], b2), graph.MulScalar(graph.Square(gj), 1-b2))
			mhat := graph.Div(newM[j], bc1)
			vhat := graph.Div(newV[j], bc2)
			update := graph.Div(mhat, graph.AddScalar(graph.Sqrt(vhat), t.hyper.Eps))
			if t.specs[i].Decay && t.hyper.WeightDecay > 0 {
				update = graph.Add(update, graph.MulScalar(params[i], t.hyper.WeightDecay))
			}
			out = append(out, graph.Sub(params[i], graph.Mul(update, lr)))
		}
		out = append(out, newM...)
		out = append(out, newV...)
		return append(out, loss, norm)
	}
}

// buildAccum is the graph of a micro-batch that is not the last of a step:
// inputs P params, K accumulated gradients, one batch; outputs K accumulated
// gradients and the loss.
func (t *Trainer) buildAccum(in []*graph.Node) []*graph.Node {
	p, k := len(t.specs), len(t.trainIdx)
	params, accum, batch := in[:p], in[p:p+k], in[p+k:]
	loss, grads := t.gradients(params, batch)
	out := make([]*graph.Node, 0, k+1)
	for j := range grads {
		out = append(out, graph.Add(accum[j], grads[j]))
	}
	return append(out, loss)
}

// buildEval is the graph of an evaluation batch: inputs P params and a batch
// without RNG; outputs the sum of the weighted NLL, the sum of the weights,
// and, for a classifier, the logits.
func (t *Trainer) buildEval(in []*graph.Node) []*graph.Node {
	p := len(t.specs)
	params, batch := in[:p], in[p:]
	logits, _ := t.net.Forward(t.weights(params), batch[0], batch[1], nil)
	nll := models.NLL(logits, batch[2])
	sum := graph.ReduceAllSum(graph.Mul(nll, batch[3]))
	if t.perToken {
		return []*graph.Node{sum, graph.ReduceAllSum(batch[3])}
	}
	return []*graph.Node{sum, graph.ReduceAllSum(batch[3]), logits}
}

// RNGState returns the dropout RNG state of one micro-batch: a pure function
// of the seed and the micro-batch's position, so a resumed run draws the same
// masks as an uninterrupted one.
func RNGState(seed int64, microBatch int64) *tensors.Tensor {
	r := rand.New(rand.NewPCG(uint64(seed), uint64(microBatch)^0x9e3779b97f4a7c15))
	return tensors.FromFlatDataAndDimensions([]uint64{r.Uint64(), r.Uint64(), r.Uint64()}, 3)
}

func (t *Trainer) batchTensors(b *Batch) ([]any, error) {
	if err := b.check(t.perToken); err != nil {
		return nil, err
	}
	out := []any{
		tensors.FromFlatDataAndDimensions(b.IDs, b.Rows, b.Len),
		tensors.FromFlatDataAndDimensions(b.Mask, b.Rows, b.Len),
	}
	if t.perToken {
		out = append(out, tensors.FromFlatDataAndDimensions(b.Targets, b.Rows, b.Len),
			tensors.FromFlatDataAndDimensions(b.Weights, b.Rows, b.Len))
	} else {
		out = append(out, tensors.FromFlatDataAndDimensions(b.Targets, b.Rows),
			tensors.FromFlatDataAndDimensions(b.Weights, b.Rows))
	}
	return out, nil
}

func (t *Trainer) exec(e **graph.Exec, name string, fn func([]*graph.Node) []*graph.Node, args []any) (out []*tensors.Tensor, err error) {
	if *e == nil {
		ex, err := graph.NewExec(t.backend, fn)
		if err != nil {
			return nil, fmt.Errorf("building %s graph: %w", name, err)
		}
		*e = ex.WithName(name)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("running %s graph: %v", name, r)
		}
	}()
	out, err = (*e).Exec(args...)
	if err != nil {
		return nil, fmt.Errorf("running %s graph: %w", name, err)
	}
	return out, nil
}

func scalar(t *tensors.Tensor) float64 {
	v := tensors.MustCopyFlatData[float32](t)[0]
	_ = t.FinalizeAll()
	return float64(v)
}

func (t *Trainer) donate(ts []*tensors.Tensor, args []any) ([]any, error) {
	for _, x := range ts {
		d, err := graph.DonateTensorBuffer(x, t.backend, 0)
		if err != nil {
			return nil, fmt.Errorf("donating a buffer to the step: %w", err)
		}
		args = append(args, d)
	}
	return args, nil
}

// TrainStep runs one optimizer step over len(micro) == GradAccum micro-batches
// at learning rate lr, drawing dropout masks from rngs (one per micro-batch).
// It returns the mean loss of the micro-batches and the gradient's global norm.
func (t *Trainer) TrainStep(micro []*Batch, rngs []*tensors.Tensor, lr float64) (loss, gradNorm float64, err error) {
	if len(micro) != t.hyper.GradAccum || len(rngs) != len(micro) {
		return 0, 0, fmt.Errorf("train step: %d micro-batches and %d RNG states, want %d", len(micro), len(rngs), t.hyper.GradAccum)
	}
	k := len(t.trainIdx)
	var accum []*tensors.Tensor
	var lossSum float64
	for i, b := range micro[:len(micro)-1] {
		bt, err := t.batchTensors(b)
		if err != nil {
			return 0, 0, fmt.Errorf("micro-batch %d: %w", i, err)
		}
		args := make([]any, 0, len(t.params)+k+batchInputs)
		for _, p := range t.params {
			args = append(args, p)
		}
		if accum == nil {
			accum = make([]*tensors.Tensor, k)
			for j, idx := range t.trainIdx {
				accum[j] = tensors.FromShape(t.params[idx].Shape())
			}
		}
		if args, err = t.donate(accum, args); err != nil {
			return 0, 0, err
		}
		args = append(append(args, bt...), rngs[i])
		out, err := t.exec(&t.accumExec, "accumulate", t.buildAccum, args)
		if err != nil {
			return 0, 0, err
		}
		accum = out[:k]
		lossSum += scalar(out[k])
	}
	last := micro[len(micro)-1]
	bt, err := t.batchTensors(last)
	if err != nil {
		return 0, 0, fmt.Errorf("micro-batch %d: %w", len(micro)-1, err)
	}
	args := make([]any, 0, len(t.params)+4*k+batchInputs+4)
	trainable := make([]bool, len(t.params))
	for _, i := range t.trainIdx {
		trainable[i] = true
	}
	for i, p := range t.params {
		if trainable[i] {
			if args, err = t.donate([]*tensors.Tensor{p}, args); err != nil {
				return 0, 0, err
			}
		} else {
			args = append(args, p)
		}
	}
	if args, err = t.donate(t.m, args); err != nil {
		return 0, 0, err
	}
	if args, err = t.donate(t.v, args); err != nil {
		return 0, 0, err
	}
	withAccum := accum != nil
	if withAccum {
		if args, err = t.donate(accum, args); err != nil {
			return 0, 0, err
		}
	}
	step := float64(t.step + 1)
	args = append(append(args, bt...), rngs[len(rngs)-1],
		float32(lr),
		float32(1-math.Pow(t.hyper.Beta1, step)),
		float32(1-math.Pow(t.hyper.Beta2, step)),
		float32(1/float64(len(micro))))
	e := t.stepExec[withAccum]
	out, err := t.exec(&e, "train_step", t.buildStep(withAccum), args)
	t.stepExec[withAccum] = e
	if err != nil {
		return 0, 0, err
	}
	for j, i := range t.trainIdx {
		t.params[i] = out[j]
	}
	copy(t.m, out[k:2*k])
	copy(t.v, out[2*k:3*k])
	lossSum += scalar(out[3*k])
	gradNorm = scalar(out[3*k+1])
	t.step++
	return lossSum / float64(len(micro)), gradNorm, nil
}

// EvalResult is what one evaluation batch gives.
type EvalResult struct {
	// SumNLL is the sum of the weighted negative log-likelihoods, Count the sum of the weights.
	SumNLL, Count float64
	// Logits are a classifier's float32 logits, [Rows, NumClasses] row-major; nil for a language model.
	Logits []float32
}

// Evaluate runs the model without dropout on one batch.
func (t *Trainer) Evaluate(b *Batch) (*EvalResult, error) {
	bt, err := t.batchTensors(b)
	if err != nil {
		return nil, err
	}
	args := make([]any, 0, len(t.params)+4)
	for _, p := range t.params {
		args = append(args, p)
	}
	out, err := t.exec(&t.evalExec, "evaluate", t.buildEval, append(args, bt...))
	if err != nil {
		return nil, err
	}
	res := &EvalResult{SumNLL: scalar(out[0]), Count: scalar(out[1])}
	if len(out) > 2 {
		res.Logits = tensors.MustCopyFlatData[float32](out[2])
		_ = out[2].FinalizeAll()
	}
	return res, nil
}

// State copies the weights and optimizer state to the host.
func (t *Trainer) State() *State {
	s := &State{Step: t.step, Params: make([][]float32, len(t.specs)),
		M: make([][]float32, len(t.specs)), V: make([][]float32, len(t.specs))}
	for i, p := range t.params {
		s.Params[i] = tensors.MustCopyFlatData[float32](p)
	}
	for j, i := range t.trainIdx {
		s.M[i] = tensors.MustCopyFlatData[float32](t.m[j])
		s.V[i] = tensors.MustCopyFlatData[float32](t.v[j])
	}
	return s
}

// Close releases the compiled graphs and the tensors.
func (t *Trainer) Close() {
	for _, e := range []*graph.Exec{t.accumExec, t.evalExec, t.stepExec[false], t.stepExec[true]} {
		if e != nil {
			e.Finalize()
		}
	}
	for _, group := range [][]*tensors.Tensor{t.params, t.m, t.v} {
		for _, x := range group {
			_ = x.FinalizeAll()
		}
	}
}
