package models

import (
	"strings"
	"testing"
)

func TestParamCounts(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want int64
	}{
		// The sizes of the GoMLX notes (vocabulary 256).
		{"small lm", Config{Type: TransformerLM, VocabSize: 256, DModel: 64, Layers: 2, Heads: 2, SeqLen: 64}, 137216},
		{"mid lm", Config{Type: TransformerLM, VocabSize: 256, DModel: 128, Layers: 4, Heads: 4, SeqLen: 128}, 875520},
		// embed 4096·64 + hidden 64·64+64 + head 64·2+2.
		{"spam bag", Config{Type: BagOfTokens, VocabSize: 4096, DModel: 64, SeqLen: 256, NumClasses: 2}, 4096*64 + 64*64 + 64 + 64*2 + 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CountParams(tc.cfg.WithDefaults().Params()); got != tc.want {
				t.Fatalf("CountParams = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Type: "rnn", VocabSize: 4, DModel: 4, SeqLen: 4}, `model.type "rnn"`},
		{Config{Type: TransformerLM, VocabSize: 4, DModel: 6, Heads: 4, SeqLen: 4}, "not divisible"},
		{Config{Type: BagOfTokens, VocabSize: 4, DModel: 4, SeqLen: 4}, "num_classes = 0"},
		{Config{Type: BagOfTokens, VocabSize: 4, DModel: 4, SeqLen: 4, NumClasses: 2, Dropout: 1}, "dropout"},
		{Config{Type: BagOfTokens, VocabSize: 4, DModel: 4, SeqLen: 4, NumClasses: 2}, ""},
	}
	for _, tc := range tests {
		err := tc.cfg.WithDefaults().Validate()
		if tc.want == "" {
			if err != nil {
				t.Errorf("Validate(%+v) = %v", tc.cfg, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate(%+v) = %v, want %q", tc.cfg, err, tc.want)
		}
	}
}

func TestLoRAParams(t *testing.T) {
	cfg := Config{Type: TransformerLM, VocabSize: 8, DModel: 8, Layers: 2, Heads: 2, SeqLen: 4}.WithDefaults()
	l := &LoRA{Rank: 2, Alpha: 4, Targets: DefaultTargets(cfg)}
	specs, err := l.Params(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 8 || specs[0].Name != "block0.attn.q.lora_a" || specs[1].Init != Zeros {
		t.Fatalf("adapters %+v", specs)
	}
	l.Targets = []string{"attn.x"}
	if _, err := l.Params(cfg); err == nil || !strings.Contains(err.Error(), `"attn.x" matches no dense layer`) {
		t.Fatalf("unknown target: %v", err)
	}
}

func TestInitIsPerParameterAndSeeded(t *testing.T) {
	p := ParamSpec{Name: "w", Dims: []int{3}, Init: Normal, Std: 1}
	a, b := InitValues(p, 1), InitValues(p, 1)
	c := InitValues(ParamSpec{Name: "v", Dims: []int{3}, Init: Normal, Std: 1}, 1)
	if a[0] != b[0] || a[0] == c[0] || a[0] == InitValues(p, 2)[0] {
		t.Fatalf("init values %v %v %v", a, b, c)
	}
}
