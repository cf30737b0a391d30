package train

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/gomlx/gomlx/pkg/core/dtypes"

	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train/checkpoint"
	"github.com/mlpipe/pipeline/stages/train/data"
	"github.com/mlpipe/pipeline/stages/train/engine"
	"github.com/mlpipe/pipeline/stages/train/hf"
	"github.com/mlpipe/pipeline/stages/train/modelfile"
	"github.com/mlpipe/pipeline/stages/train/models"
)

// maxDefaultSeqLen caps the sequence length a classifier gets from its data.
const maxDefaultSeqLen = 512

// setup is everything a training derives from its options and inputs.
type setup struct {
	opts      *Options
	cfg       models.Config
	labels    []string
	numeric   bool
	tokenizer data.Tokenizer
	train     data.Source
	val       data.Source // nil without a val input
	specs     []models.ParamSpec
	trainable []bool
	initial   [][]float32
	base      *modelfile.Model
	baseRef   *modelfile.BaseRef
	nBase     int         // specs[:nBase] are the model's own parameters, the rest adapters
	pre       *pretrained // set for a model.from fine-tune
}

// isPlainModelDir reports whether dir is a Hugging Face model directory
// rather than a train stage's model output.
func isPlainModelDir(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, modelfile.MetaFile))
	return hf.IsModelDir(dir) && os.IsNotExist(err)
}

// net is the forward pass the setup trains.
func (s *setup) net(dt dtypes.DType) engine.Net {
	if s.pre != nil {
		n := s.pre.net
		n.DType = dt
		return n
	}
	return models.Net{Config: s.cfg, DType: dt, LoRA: s.opts.LoRA}
}

// prepare loads the inputs and builds the model's configuration and initial values.
func prepare(o *Options, inputs map[string]string, seed int64) (*setup, error) {
	s := &setup{opts: o}
	var baseMeta *modelfile.Meta
	if p, ok := inputs[InputBase]; ok && isPlainModelDir(p) {
		// A Hugging Face directory made upstream (an exec stage that converted
		// or fetched it): fine-tuned as model.from would be.
		if o.Model.Type != "" {
			return nil, fmt.Errorf("the base input %s is a Hugging Face model directory: drop model.type", p)
		}
		o.From = p
		if err := o.checkPretrained(stages.Params{"task": o.Task}); err != nil {
			return nil, fmt.Errorf("the base input: %w", err)
		}
	} else if ok {
		var err error
		if baseMeta, err = modelfile.ReadMeta(p); err != nil {
			return nil, fmt.Errorf("loading the base input: %w", err)
		}
		if o.Model.Type == "" && o.Task == "" {
			o.Task = baseMeta.Task
		}
		if baseMeta.Pretrained != nil {
			if baseMeta.Pretrained.LoRA != nil {
				return nil, fmt.Errorf("base model %s holds unmerged LoRA adapters: fine-tune from a merged model (merge: true)", p)
			}
			if o.Task != baseMeta.Task {
				return nil, fmt.Errorf("base model %s is a %s model; this stage's task is %s", p, baseMeta.Task, o.Task)
			}
			o.From = p
			if o.Pooling == "" {
				o.Pooling = string(baseMeta.Pretrained.Pooling)
			}
		}
	}
	label := ""
	if o.Task == modelfile.Classification {
		label = o.Label
	}
	trainTbl, err := data.Load(inputs[InputTrain], label)
	if err != nil {
		return nil, fmt.Errorf("loading the train input: %w", err)
	}
	if len(trainTbl.Rows) == 0 {
		return nil, fmt.Errorf("the train input %s has no rows", trainTbl.Path)
	}
	s.tokenizer = trainTbl.Tokenizer
	var valTbl *data.Table
	if p, ok := inputs[InputVal]; ok {
		if valTbl, err = data.Load(p, label); err != nil {
			return nil, fmt.Errorf("loading the val input: %w", err)
		}
		if err := sameTokenizer(trainTbl.Tokenizer, valTbl.Tokenizer, "val input"); err != nil {
			return nil, err
		}
	}
	if o.From != "" {
		if err := preparePretrained(o, s, trainTbl, baseMeta, seed); err != nil {
			return nil, err
		}
		return s, s.sources(trainTbl, valTbl)
	}
	cfg := o.Model
	if p, ok := inputs[InputBase]; ok {
		if s.base, err = modelfile.Load(p); err != nil {
			return nil, fmt.Errorf("loading the base input: %w", err)
		}
		if s.base.Meta.LoRA != nil {
			return nil, fmt.Errorf("base model %s holds unmerged LoRA adapters: fine-tune from a merged model (merge: true)", p)
		}
		if err := sameTokenizer(s.base.Meta.Tokenizer, trainTbl.Tokenizer, "train input"); err != nil {
			return nil, fmt.Errorf("base model %s and its fine-tuning data: %w", p, err)
		}
		if o.Model.Type == "" {
			o.Model.Type, cfg.Type = s.base.Meta.Model.Type, s.base.Meta.Model.Type
			if o.Task == "" {
				o.Task = s.base.Meta.Task
			}
		}
		if s.base.Meta.Task != o.Task {
			return nil, fmt.Errorf("base model %s is a %s model; this stage's task is %s", p, s.base.Meta.Task, o.Task)
		}
		if cfg.Type != s.base.Meta.Model.Type {
			return nil, fmt.Errorf("model.type %s differs from the base model's %s", cfg.Type, s.base.Meta.Model.Type)
		}
		cfg = s.base.Meta.Model
		if o.DropoutSet {
			cfg.Dropout = o.Model.Dropout
		}
		sum, err := modelfile.WeightsDigest(p)
		if err != nil {
			return nil, err
		}
		s.baseRef = &modelfile.BaseRef{WeightsSHA256: sum}
	}
	cfg.VocabSize = trainTbl.Tokenizer.VocabSize
	if o.Task == modelfile.Classification {
		if s.base != nil {
			s.labels, s.numeric = s.base.Meta.Labels, s.base.Meta.NumericLabels
		} else {
			s.labels, s.numeric = trainTbl.LabelSet(), trainTbl.NumericLabels
		}
		if len(s.labels) < 2 {
			return nil, fmt.Errorf("label column %q of %s has %d distinct value(s): classification needs at least 2", o.Label, trainTbl.Path, len(s.labels))
		}
		cfg.NumClasses = len(s.labels)
		if cfg.SeqLen == 0 {
			cfg.SeqLen = min(max(trainTbl.MaxLen(), 1), maxDefaultSeqLen)
		}
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s.cfg = cfg
	if err := s.sources(trainTbl, valTbl); err != nil {
		return nil, err
	}
	s.specs = cfg.Params()
	s.nBase = len(s.specs)
	if s.base != nil {
		s.initial = make([][]float32, len(s.base.Weights))
		for i, t := range s.base.Weights {
			s.initial[i] = slices.Clone(t.Values)
		}
	} else {
		s.initial = models.InitAll(s.specs, seed)
	}
	s.trainable = make([]bool, len(s.specs))
	for i := range s.trainable {
		s.trainable[i] = o.LoRA == nil
	}
	if o.LoRA != nil {
		if len(o.LoRA.Targets) == 0 {
			o.LoRA.Targets = models.DefaultTargets(cfg)
		}
		ad, err := o.LoRA.Params(cfg)
		if err != nil {
			return nil, err
		}
		s.specs = append(s.specs, ad...)
		s.initial = append(s.initial, models.InitAll(ad, seed)...)
		for range ad {
			s.trainable = append(s.trainable, true)
		}
	}
	return s, nil
}

// sources makes the training and validation items.
func (s *setup) sources(trainTbl, valTbl *data.Table) error {
	var err error
	if s.opts.WindowStride > 0 {
		if s.opts.Task == modelfile.Classification {
			return fmt.Errorf("window_stride: applies to language_modeling; a classifier's rows are its items")
		}
		if s.opts.WindowStride > s.cfg.SeqLen {
			return fmt.Errorf("window_stride: %d is more than seq_len %d: the tokens between windows would never be trained on", s.opts.WindowStride, s.cfg.SeqLen)
		}
		s.train, err = data.NewStridedWindows(trainTbl, s.cfg.SeqLen, s.opts.WindowStride)
	} else {
		s.train, err = source(trainTbl, s, s.cfg)
	}
	if err != nil {
		return err
	}
	if valTbl != nil && len(valTbl.Rows) > 0 {
		if s.val, err = source(valTbl, s, s.cfg); err != nil {
			return err
		}
	}
	return nil
}

func source(t *data.Table, s *setup, cfg models.Config) (data.Source, error) {
	if s.opts.Task == modelfile.Classification {
		return data.NewClasses(t, s.labels, cfg.SeqLen)
	}
	return data.NewWindows(t, cfg.SeqLen)
}

// sameTokenizer reports a mismatch between the tokenizer a model or table
// expects and another table's.
func sameTokenizer(want, got data.Tokenizer, what string) error {
	if want.VocabSize != got.VocabSize {
		return fmt.Errorf("%s has vocabulary size %d, expected %d: tokenized with another tokenizer", what, got.VocabSize, want.VocabSize)
	}
	if want.Digest != "" && got.Digest != "" && want.Digest != got.Digest {
		return fmt.Errorf("%s was tokenized by tokenizer %s, expected %s", what, got.Digest, want.Digest)
	}
	return nil
}

// namedTensors pairs values with their specs.
func namedTensors(specs []models.ParamSpec, values [][]float32) []checkpoint.Tensor {
	out := make([]checkpoint.Tensor, len(specs))
	for i, s := range specs {
		out[i] = checkpoint.Tensor{Name: s.Name, Dims: s.Dims, Values: values[i]}
	}
	return out
}
