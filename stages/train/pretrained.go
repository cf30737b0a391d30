package train

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/train/data"
	"github.com/mlpipe/pipeline/stages/train/hf"
	"github.com/mlpipe/pipeline/stages/train/modelfile"
	"github.com/mlpipe/pipeline/stages/train/models"
)

// checkPretrained resolves the task and pooling of a model.from fine-tune
// against the model's config.json.
func (o *Options) checkPretrained(p stages.Params) error {
	c, err := hf.ReadConfig(o.From)
	if err != nil {
		return fmt.Errorf("model.from: %w", err)
	}
	o.Task = p.String("task")
	encoder := c.Family() == hf.FamilyEncoder
	if o.Task == "" {
		o.Task = modelfile.LanguageModeling
		if encoder {
			o.Task = modelfile.Classification
		}
	}
	switch {
	case o.Task == modelfile.Classification && !encoder:
		return fmt.Errorf("task classification needs an encoder (bert, roberta, distilbert); model.from %s is a %s decoder", o.From, c.ModelType)
	case o.Task == modelfile.LanguageModeling && encoder:
		return fmt.Errorf("task language_modeling needs a decoder (gpt2, llama); model.from %s is a %s encoder", o.From, c.ModelType)
	case o.Task != modelfile.Classification && o.Task != modelfile.LanguageModeling:
		return fmt.Errorf("task %q: want classification or language_modeling", o.Task)
	}
	if o.Task == modelfile.Classification && o.Pooling == "" {
		o.Pooling = string(hf.PoolCLS)
	}
	if o.Pooling != "" && !slices.Contains([]string{string(hf.PoolCLS), string(hf.PoolMean)}, o.Pooling) {
		return fmt.Errorf("model.pooling %q: want cls or mean", o.Pooling)
	}
	if o.Pooling != "" && o.Task != modelfile.Classification {
		return fmt.Errorf("model.pooling applies to classification")
	}
	if o.Model.SeqLen > c.MaxSeqLen() {
		return fmt.Errorf("model.seq_len = %d is more than the %d positions of %s", o.Model.SeqLen, c.MaxSeqLen(), o.From)
	}
	for k, v := range map[string]int{"d_model": o.Model.DModel, "hidden": o.Model.Hidden, "layers": o.Model.Layers, "heads": o.Model.Heads, "d_ff": o.Model.DFF} {
		if v != 0 {
			return fmt.Errorf("model.%s: a pretrained model's sizes come from its config.json; drop it", k)
		}
	}
	return nil
}

// pretrained is what a fine-tune of a Hugging Face model adds to its setup.
type pretrained struct {
	net    hf.Net
	source string // the model directory fine-tuned
	nHead  int    // specs[nBase-nHead:nBase] are the task head
}

// preparePretrained builds the net, parameters and initial values of a
// model.from fine-tune: the checkpoint's weights, a new task head where the
// checkpoint has none.
func preparePretrained(o *Options, s *setup, trainTbl *data.Table, baseMeta *modelfile.Meta, seed int64) error {
	m, err := hf.Open(o.From)
	if err != nil {
		return fmt.Errorf("model.from: %w", err)
	}
	defer m.Close()
	c := m.Config
	tokens, err := m.CheckTokenizer()
	if err != nil {
		return fmt.Errorf("model.from: %w", err)
	}
	tk := trainTbl.Tokenizer
	if tk.VocabSize > c.VocabSize || (tokens > 0 && tk.VocabSize != tokens) {
		want := tokens
		if want == 0 {
			want = c.VocabSize
		}
		return fmt.Errorf("the train input %s was tokenized with %d tokens but %s takes %d: tokenize with its %s",
			trainTbl.Path, tk.VocabSize, o.From, want, filepath.Join(o.From, hf.TokenizerFile))
	}
	net := hf.Net{Config: c, Dropout: o.Model.Dropout, Pooling: hf.Pooling(o.Pooling)}
	cfg := models.Config{VocabSize: tk.VocabSize, SeqLen: o.Model.SeqLen, Dropout: o.Model.Dropout}
	if o.Task == modelfile.Classification {
		s.labels, s.numeric = trainTbl.LabelSet(), trainTbl.NumericLabels
		if baseMeta != nil {
			s.labels, s.numeric = baseMeta.Labels, baseMeta.NumericLabels
		}
		if len(s.labels) < 2 {
			return fmt.Errorf("label column %q of %s has %d distinct value(s): classification needs at least 2", o.Label, trainTbl.Path, len(s.labels))
		}
		net.Classes, cfg.NumClasses = len(s.labels), len(s.labels)
		if cfg.SeqLen == 0 {
			cfg.SeqLen = min(max(trainTbl.MaxLen(), 1), maxDefaultSeqLen, c.MaxSeqLen())
		}
	} else if cfg.SeqLen == 0 {
		cfg.SeqLen = min(64, c.MaxSeqLen())
	}
	baseSpecs := c.BaseParams()
	s.specs = net.Params()
	head := s.specs[len(baseSpecs):]
	isHead := func(name string) bool {
		return slices.ContainsFunc(head, func(p models.ParamSpec) bool { return p.Name == name })
	}
	values, err := m.Values(s.specs, isHead)
	if err != nil {
		return fmt.Errorf("model.from: %w", err)
	}
	for i, v := range values {
		if v == nil {
			values[i] = models.InitValues(s.specs[i], seed)
		}
	}
	s.initial, s.nBase, s.cfg = values, len(s.specs), cfg
	s.trainable = make([]bool, len(s.specs))
	for i := range s.trainable {
		s.trainable[i] = o.LoRA == nil || i >= len(baseSpecs)
	}
	if o.LoRA != nil {
		l := &hf.LoRA{Rank: o.LoRA.Rank, Alpha: o.LoRA.Alpha, Dropout: o.LoRADropout, Targets: o.LoRA.Targets, ModulesToSave: o.LoRAModules}
		if len(l.Targets) == 0 {
			l.Targets = hf.DefaultTargets(c)
		}
		if err := l.CheckModulesToSave(baseSpecs); err != nil {
			return err
		}
		for i, spec := range baseSpecs {
			s.trainable[i] = s.trainable[i] || l.Saves(spec.Name)
		}
		ad, err := l.Params(c, baseSpecs)
		if err != nil {
			return err
		}
		s.specs = append(s.specs, ad...)
		s.initial = append(s.initial, models.InitAll(ad, seed)...)
		for range ad {
			s.trainable = append(s.trainable, true)
		}
		net.LoRA = l
	}
	s.pre = &pretrained{net: net, source: o.From, nHead: len(head)}
	s.tokenizer = tk
	return nil
}

// writePretrained writes the model artifact of a model.from fine-tune:
// model.json beside the Hugging Face directory.
func writePretrained(dir string, s *setup, params [][]float32) error {
	n := s.pre.net
	meta := modelfile.Meta{Task: s.opts.Task, Model: s.cfg, Tokenizer: s.tokenizer, DType: s.opts.DType,
		Pretrained: &modelfile.Pretrained{ModelType: n.Config.ModelType, Pooling: n.Pooling}}
	if s.opts.Task == modelfile.Classification {
		meta.Labels, meta.NumericLabels, meta.LabelColumn = s.labels, s.numeric, s.opts.Label
	}
	for _, sp := range s.specs[:s.nBase] {
		meta.Params += int64(sp.Size())
	}
	if n.LoRA != nil && !s.opts.Merge {
		meta.Pretrained.LoRA = n.LoRA
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing model: %w", err)
	}
	e := &hf.Export{Net: n, Specs: s.specs, Values: params, Labels: s.labels, TokenizerDir: s.pre.source,
		Merge: s.opts.Merge, Source: s.pre.source}
	if err := e.Write(dir); err != nil {
		return err
	}
	return modelfile.SaveMeta(dir, &meta)
}
