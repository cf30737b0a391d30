package train

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train/backend"
	"github.com/mlpipe/pipeline/stages/train/checkpoint"
	"github.com/mlpipe/pipeline/stages/train/data"
	"github.com/mlpipe/pipeline/stages/train/engine"
)

// HistoryRow is one row of the history output.
type HistoryRow struct {
	Step            int64    `json:"step"`
	TrainLoss       float64  `json:"train_loss"`
	ValLoss         *float64 `json:"val_loss,omitempty"`
	LR              float64  `json:"lr"`
	TokensPerSecond float64  `json:"tokens_per_second"`
}

// loopState is the training loop's state that a checkpoint must carry
// besides the weights and optimizer state.
type loopState struct {
	History        []HistoryRow `json:"history"`
	Best           *float64     `json:"best,omitempty"`
	BadEvals       int          `json:"bad_evals"`
	Stopped        bool         `json:"stopped"`
	LastVal        *float64     `json:"last_val,omitempty"`
	IntervalLoss   float64      `json:"interval_loss"`
	IntervalSteps  int64        `json:"interval_steps"`
	IntervalTokens int64        `json:"interval_tokens"`
	LastTrainLoss  float64      `json:"last_train_loss"`
}

// loop runs the optimizer steps left, validating, logging and checkpointing.
type loop struct {
	s      *setup
	env    *stages.Env
	tr     *engine.Trainer
	ckpt   *checkpoint.Manager
	fp     string
	seed   int64
	st     loopState
	order  *data.Order
	sched  engine.Schedule
	tokens int64 // trained in this process
	busy   time.Duration
	// first is the first step of this process (graph building and
	// compilation included, which on XLA take seconds), firstTokens its tokens.
	first       time.Duration
	firstTokens int64
	interval    time.Time
}

// checkpointTensors lists what a checkpoint saves: every parameter and the
// Adam moments of the trainable ones.
func (l *loop) checkpointTensors(state *engine.State) []checkpoint.Tensor {
	var out []checkpoint.Tensor
	for i, sp := range l.s.specs {
		out = append(out, checkpoint.Tensor{Name: "param/" + sp.Name, Dims: sp.Dims, Values: state.Params[i]})
	}
	for i, sp := range l.s.specs {
		if l.s.trainable[i] {
			out = append(out, checkpoint.Tensor{Name: "m/" + sp.Name, Dims: sp.Dims, Values: state.M[i]},
				checkpoint.Tensor{Name: "v/" + sp.Name, Dims: sp.Dims, Values: state.V[i]})
		}
	}
	return out
}

// restore turns a checkpoint back into a trainer state and loop state.
func (l *loop) restore(c *checkpoint.Checkpoint) (*engine.State, error) {
	byName := map[string][]float32{}
	for _, t := range c.Tensors {
		byName[t.Name] = t.Values
	}
	n := len(l.s.specs)
	st := &engine.State{Step: c.Meta.Step, Params: make([][]float32, n), M: make([][]float32, n), V: make([][]float32, n)}
	for i, sp := range l.s.specs {
		var ok bool
		if st.Params[i], ok = byName["param/"+sp.Name]; !ok {
			return nil, fmt.Errorf("checkpoint of step %d lacks parameter %s", c.Meta.Step, sp.Name)
		}
		if l.s.trainable[i] {
			st.M[i], st.V[i] = byName["m/"+sp.Name], byName["v/"+sp.Name]
			if st.M[i] == nil || st.V[i] == nil {
				return nil, fmt.Errorf("checkpoint of step %d lacks optimizer state of %s", c.Meta.Step, sp.Name)
			}
		}
	}
	if err := json.Unmarshal(c.Meta.Loop, &l.st); err != nil {
		return nil, fmt.Errorf("checkpoint of step %d: loop state: %w", c.Meta.Step, err)
	}
	return st, nil
}

func (l *loop) save(score *float64) error {
	state := l.tr.State()
	loopJSON, err := json.Marshal(l.st)
	if err != nil {
		return fmt.Errorf("encoding loop state: %w", err)
	}
	pos := state.Step * int64(l.s.opts.GradAccum)
	return l.ckpt.Save(&checkpoint.Checkpoint{
		Meta: checkpoint.Meta{Fingerprint: l.fp, Step: state.Step, DataPosition: pos,
			RNG: checkpoint.RNG{Seed: l.seed, Stream: pos}, Score: score, Loop: loopJSON},
		Tensors: l.checkpointTensors(state),
	})
}

// validate returns the mean loss over the whole val input.
func (l *loop) validate() (float64, error) {
	var sum, count float64
	err := data.Sequential(l.s.val, l.s.opts.BatchSize, func(b *engine.Batch, _ []int) error {
		r, err := l.tr.Evaluate(b)
		if err != nil {
			return fmt.Errorf("validating: %w", err)
		}
		sum += r.SumNLL
		count += r.Count
		return nil
	})
	if err != nil {
		return 0, err
	}
	return sum / math.Max(count, 1), nil
}

// run trains until the step budget is spent or early stopping triggers.
func (l *loop) run(ctx context.Context) error {
	o := l.s.opts
	accum, rows := int64(o.GradAccum), o.BatchSize
	l.env.Progress.Start(o.Steps, "steps")
	l.env.Progress.Set(l.tr.Step(), "")
	l.interval = time.Now()
	for l.tr.Step() < o.Steps && !l.st.Stopped {
		if err := ctx.Err(); err != nil {
			return err
		}
		step := l.tr.Step()
		micro := make([]*engine.Batch, accum)
		rngs := make([]*tensors.Tensor, accum)
		var tokens int64
		for i := range accum {
			pos := step*accum + i
			micro[i] = l.s.train.Batch(l.order.Items(pos*int64(rows), rows), rows)
			rngs[i] = engine.RNGState(l.seed, pos)
			tokens += int64(micro[i].Tokens())
		}
		began := time.Now()
		loss, _, err := l.tr.TrainStep(micro, rngs, l.sched.At(step))
		if err != nil {
			return fmt.Errorf("training step %d: %w", step+1, err)
		}
		took := time.Since(began)
		if l.tokens == 0 {
			l.first, l.firstTokens = took, tokens
			backend.ReleaseFreeMemory() // the first step compiled the graph
		}
		l.busy += took
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return fmt.Errorf("training step %d: loss is %v (try a lower lr or clip_norm)", step+1, loss)
		}
		l.tokens += tokens
		l.st.IntervalLoss += loss
		l.st.IntervalSteps++
		l.st.IntervalTokens += tokens
		done := l.tr.Step()
		var score *float64
		evaluated := l.s.val != nil && (done == o.Steps || (o.EvalEvery > 0 && done%o.EvalEvery == 0))
		improved := false
		if evaluated {
			vl, err := l.validate()
			if err != nil {
				return err
			}
			score = &vl
			l.st.LastVal = &vl
			minDelta := 0.0
			if o.EarlyStopping != nil {
				minDelta = o.EarlyStopping.MinDelta
			}
			if l.st.Best == nil || vl < *l.st.Best-minDelta {
				l.st.Best, l.st.BadEvals, improved = &vl, 0, true
			} else {
				l.st.BadEvals++
				if o.EarlyStopping != nil && l.st.BadEvals >= o.EarlyStopping.Patience {
					l.st.Stopped = true
					l.env.Log.Info().Int64("step", done).Float64("val_loss", vl).Int("patience", o.EarlyStopping.Patience).
						Msg("early stopping: val_loss stopped improving")
				}
			}
		}
		if done%o.LogEvery == 0 || evaluated || done == o.Steps || l.st.Stopped {
			l.row(done, score)
		}
		last := done == o.Steps || l.st.Stopped
		if !last && o.CheckpointEvery > 0 && (done%o.CheckpointEvery == 0 || (improved && o.KeepBest > 0)) {
			if err := l.save(score); err != nil {
				return err
			}
		}
		l.env.Progress.Set(done, l.status(loss))
	}
	return nil
}

// throughput returns the tokens trained per second of optimizer steps,
// leaving out the first step (it builds and compiles the graphs) when later
// steps ran, and that first step's seconds.
func (l *loop) throughput() (perSecond, firstSeconds float64) {
	tokens, busy := l.tokens, l.busy
	if tokens > l.firstTokens && busy > l.first {
		tokens, busy = tokens-l.firstTokens, busy-l.first
	}
	if busy > 0 {
		perSecond = float64(tokens) / busy.Seconds()
	}
	return perSecond, l.first.Seconds()
}

// row appends a history row covering the steps since the previous one.
func (l *loop) row(step int64, val *float64) {
	elapsed := time.Since(l.interval).Seconds()
	tps := 0.0
	if elapsed > 0 {
		tps = float64(l.st.IntervalTokens) / elapsed
	}
	r := HistoryRow{Step: step, TrainLoss: l.st.IntervalLoss / float64(max(l.st.IntervalSteps, 1)), ValLoss: val,
		LR: l.sched.At(step - 1), TokensPerSecond: tps}
	l.st.History = append(l.st.History, r)
	l.st.LastTrainLoss = r.TrainLoss
	l.st.IntervalLoss, l.st.IntervalSteps, l.st.IntervalTokens = 0, 0, 0
	l.interval = time.Now()
	ev := l.env.Log.Info().Int64("step", step).Int64("of", l.s.opts.Steps).Float64("train_loss", r.TrainLoss).
		Float64("lr", r.LR).Float64("tokens_per_second", math.Round(tps))
	if val != nil {
		ev = ev.Float64("val_loss", *val)
	}
	ev.Msg("training")
}

func (l *loop) status(loss float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "loss %.4f", loss)
	if l.st.LastVal != nil {
		fmt.Fprintf(&b, " · val %.4f", *l.st.LastVal)
	}
	if tps, _ := l.throughput(); tps > 0 {
		fmt.Fprintf(&b, " · %.0f tok/s", tps)
	}
	return b.String()
}
