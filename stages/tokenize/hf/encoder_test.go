package hf

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// TestEncoderMatchesTokenizer checks that an Encoder, with its private
// cache, encodes exactly as the shared Tokenizer does.
func TestEncoderMatchesTokenizer(t *testing.T) {
	corpus := readCorpus(t)
	var hard []hardCase
	data, err := os.ReadFile("testdata/gpt2.hard.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &hard); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"gpt2", "wordpiece", "llama"} {
		tok := loadGolden(t, name)
		enc := tok.NewEncoder()
		texts := []string{}
		for _, c := range hard {
			texts = append(texts, c.Text, c.Text) // the second time from the cache
		}
		for i := 0; i < len(corpus); i += 11 {
			texts = append(texts, corpus[i])
		}
		for _, s := range texts {
			if a, b := enc.Encode(s), tok.Encode(s); !reflect.DeepEqual(a, b) {
				t.Fatalf("%s: Encoder %v, Tokenizer %v for %.60q", name, a, b, s)
			}
		}
	}
}
