package hf

import (
	"encoding/json"
	"maps"
	"os"
	"slices"
	"testing"
)

// TestTrainBPEMatchesReference trains on the corpus with the reference
// trainer's defaults and compares merges with the file it produced.
func TestTrainBPEMatchesReference(t *testing.T) {
	corpus := readCorpus(t)
	refPath := fixtures + "/tokenizers/hf/bpe30k_bytelevel.tokenizer.json"
	data, err := os.ReadFile(refPath)
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Model struct {
			Vocab  map[string]int32 `json:"vocab"`
			Merges [][2]string      `json:"merges"`
		} `json:"model"`
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	tok, err := TrainBPE(func(yield func(string) bool) {
		for _, l := range corpus {
			if !yield(l + "\n") {
				return
			}
		}
	}, BPEOptions{VocabSize: 30000, SeenBytesOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Model struct {
			Vocab  map[string]int32 `json:"vocab"`
			Merges [][2]string      `json:"merges"`
		} `json:"model"`
	}
	if err := json.Unmarshal(tok.file, &got); err != nil {
		t.Fatal(err)
	}
	n := min(len(got.Model.Merges), len(ref.Model.Merges))
	for i := range n {
		if got.Model.Merges[i] != ref.Model.Merges[i] {
			t.Fatalf("merge %d: got %q, want %q (of %d)", i, got.Model.Merges[i], ref.Model.Merges[i], len(ref.Model.Merges))
		}
	}
	if len(got.Model.Merges) != len(ref.Model.Merges) {
		t.Errorf("got %d merges, want %d", len(got.Model.Merges), len(ref.Model.Merges))
	}
	if !maps.Equal(got.Model.Vocab, ref.Model.Vocab) {
		t.Errorf("vocabularies differ")
	}
}

func lines(texts ...string) func(func(string) bool) { return slices.Values(texts) }

func TestBuiltTokenizers(t *testing.T) {
	texts := []string{"the cat sat on the mat", "the dog ate the cat's food", "naïve café 🍵"}
	byteTok, err := NewByte([]string{"<pad>", "<eos>"})
	if err != nil {
		t.Fatal(err)
	}
	bpeTok, err := TrainBPE(lines(texts...), BPEOptions{VocabSize: 300, Specials: []string{"<pad>"}})
	if err != nil {
		t.Fatal(err)
	}
	charTok, err := TrainChars(lines(texts...), VocabOptions{Specials: []string{"<pad>"}, Unk: "<unk>"})
	if err != nil {
		t.Fatal(err)
	}
	wordTok, err := TrainWords(lines(texts...), VocabOptions{VocabSize: 8, Specials: []string{"<pad>"}, Unk: "<unk>"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		tok  *Tokenizer
		text string
		ids  []int32
		back string
	}{
		{"byte", byteTok, "hé<eos>", []int32{'h', 0xC3, 0xA9, 257}, "hé<eos>"},
		{"byte pad", byteTok, "<pad>", []int32{256}, "<pad>"},
		{"bpe", bpeTok, "the cat", []int32{259, 262}, "the cat"},
		{"bpe unseen bytes", bpeTok, "Zürich 😀", nil, "Zürich 😀"},
		{"char", charTok, "cat!", []int32{8, 4, 3, 1}, "cat<unk>"},
		{"whitespace", wordTok, "the cat  flew", []int32{2, 5, 1}, "the cat <unk>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids := tt.tok.Encode(tt.text)
			if tt.ids != nil && !slices.Equal(ids, tt.ids) {
				t.Errorf("Encode(%q) = %v, want %v", tt.text, ids, tt.ids)
			}
			if got := tt.tok.Decode(ids); got != tt.back {
				t.Errorf("Decode(%v) = %q, want %q", ids, got, tt.back)
			}
		})
	}
	for _, tok := range []*Tokenizer{byteTok, bpeTok, charTok, wordTok} {
		again, err := Parse(tok.file)
		if err != nil {
			t.Fatalf("%s: reading its own file: %v", tok.Type(), err)
		}
		for _, s := range texts {
			if a, b := tok.Encode(s), again.Encode(s); !slices.Equal(a, b) {
				t.Errorf("%s: saved form encodes %q as %v, not %v", tok.Type(), s, b, a)
			}
		}
	}
}
