package tokenize

import (
	"bytes"
	"os"
	"testing"
)

const spmDir = "../../testdata/tokenizers/sentencepiece/"

func TestLoadSentencePiece(t *testing.T) {
	for _, name := range []string{"albert_30k_clean.model", "spm_bpe8k.model", "spm_unigram8k.model"} {
		t.Run(name, func(t *testing.T) {
			path := spmDir + name
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if tok.Type() != "sentencepiece" || tok.VocabSize() == 0 {
				t.Errorf("type %q, vocab %d", tok.Type(), tok.VocabSize())
			}
			ids := tok.Encode("Hello world")
			if len(ids) == 0 {
				t.Fatal("no ids")
			}
			for _, id := range ids {
				p, ok := tok.IDToToken(id)
				if back, ok2 := tok.TokenToID(p); !ok || !ok2 || back != id {
					t.Errorf("id %d -> %q -> %d", id, p, back)
				}
			}
			if len(tok.SpecialTokens()) == 0 {
				t.Error("no special tokens")
			}
			var saved bytes.Buffer
			if err := tok.Save(&saved); err != nil || !bytes.Equal(saved.Bytes(), data) {
				t.Errorf("Save does not write the model back (err %v)", err)
			}
		})
	}
}
