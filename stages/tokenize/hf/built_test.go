package hf

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil"
)

// builtText trains the tokenizers whose saved forms are pinned under
// testdata/built; scripts/tokenize/gen_golden.js encodes the hard cases with
// those files through the reference library.
const builtText = `It is a truth universally acknowledged, that a single man in possession
of a good fortune, must be in want of a wife. However little known the feelings
or views of such a man may be on his first entering a neighbourhood, this truth
is so well fixed in the minds of the surrounding families, that he is considered
the rightful property of some one or other of their daughters. Ça va? Très bien!
1234 + 5678 = 6912; 東京は日本の首都です。 Emoji: 😀👍
`

func buildAll(t *testing.T) map[string]*Tokenizer {
	t.Helper()
	texts := lines(strings.SplitAfter(builtText, "\n")...)
	specials := []string{"<pad>", "<s>", "</s>"}
	byteTok, err := NewByte(specials)
	if err != nil {
		t.Fatal(err)
	}
	bpeTok, err := TrainBPE(texts, BPEOptions{VocabSize: 400, Specials: specials})
	if err != nil {
		t.Fatal(err)
	}
	charTok, err := TrainChars(texts, VocabOptions{VocabSize: 60, Specials: specials, Unk: "<unk>"})
	if err != nil {
		t.Fatal(err)
	}
	wordTok, err := TrainWords(texts, VocabOptions{VocabSize: 50, Specials: specials, Unk: "<unk>"})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*Tokenizer{"byte": byteTok, "bpe": bpeTok, "char": charTok, "whitespace": wordTok}
}

// TestBuiltFilesGolden pins the tokenizer.json each builder writes.
func TestBuiltFilesGolden(t *testing.T) {
	for name, tok := range buildAll(t) {
		golden := filepath.Join("testdata", "built", name+".tokenizer.json")
		if testutil.Update() {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, tok.file, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(tok.file, want) {
			t.Errorf("%s: the built tokenizer.json differs from %s (run go test -update and review the diff)", name, golden)
		}
	}
}

// TestBuiltHardCases compares the hard cases encoded with the pinned built
// files against the reference library's ids and decoded text.
func TestBuiltHardCases(t *testing.T) {
	for _, name := range []string{"byte", "bpe", "char", "whitespace"} {
		t.Run(name, func(t *testing.T) {
			tok, err := LoadFile(filepath.Join("testdata", "built", name+".tokenizer.json"))
			if err != nil {
				t.Fatal(err)
			}
			checkHardCases(t, tok, filepath.Join("testdata", "built", name+".hard.golden.json"))
		})
	}
}
