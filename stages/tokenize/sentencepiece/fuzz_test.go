package sentencepiece

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRoundTrip checks that the BPE model, which has an identity
// normalizer, byte fallback and neither dummy prefix nor whitespace
// removal, decodes its encoding of any valid UTF-8 text without ▁ back to
// the text, and that encoding never panics on any bytes.
func FuzzRoundTrip(f *testing.F) {
	var cases []hardCase
	data, err := os.ReadFile(filepath.Join("testdata", "hardcases.json"))
	if err == nil {
		readJSONBytes(f, data, &cases)
	}
	for _, c := range cases {
		f.Add(c.Text)
	}
	m := loadReference(f, "spm_bpe8k")
	f.Fuzz(func(t *testing.T, text string) {
		ids := m.Encode(text)
		if !utf8.ValidString(text) || strings.Contains(text, spaceSymbol) {
			return
		}
		if got := m.Decode(ids); got != text {
			t.Errorf("Decode(Encode(%q)) = %q", text, got)
		}
	})
}

// FuzzParse feeds corrupted model files to Parse, which must return an
// error or a model that can encode, never panic.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"tiny_bpe_udef", "tiny_unigram_rules", "tiny_char"} {
		data, err := os.ReadFile(filepath.Join("testdata", "models", name+".model"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, 0, byte(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, at int, b byte) {
		if len(data) > 0 {
			if at < 0 {
				at = -at
			}
			data = append([]byte(nil), data...)
			data[at%len(data)] ^= b
		}
		m, err := Parse(data)
		if err != nil {
			return
		}
		m.Decode(m.Encode("Hello, wörld! ﬁ 123 \t x"))
	})
}
