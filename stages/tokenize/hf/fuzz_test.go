package hf

import (
	"encoding/base64"
	"testing"
)

// parseSeeds are small tokenizer.json documents with the components whose
// parsing the fuzz targets exercise: Unigram, regular expressions,
// Precompiled and nested Sequences.
var parseSeeds = []string{
	`{"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0], ["▁a", -1.5], ["b", -2], ["<0x41>", -9]], "byte_fallback": true},
	  "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": true}}`,
	wordLevelWith(`{"type": "Sequence", "normalizers": [{"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}, {"type": "Strip", "strip_left": true, "strip_right": true}]}`,
		`{"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "(?i:'s)|\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"}, "behavior": "Isolated", "invert": false}]}`),
	wordLevelWith(`{"type": "Precompiled", "precompiled_charsmap": "BAAAAAAAAAA="}`, `{"type": "WhitespaceSplit"}`),
}

// FuzzParseComponents feeds corrupted tokenizer.json documents to Parse,
// which must return an error or a tokenizer that encodes and decodes any
// text, never panic.
func FuzzParseComponents(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add([]byte(s), "a  b's 12 ÅÅ")
	}
	f.Fuzz(func(t *testing.T, doc []byte, text string) {
		tok, err := Parse(doc)
		if err != nil {
			return
		}
		tok.Decode(tok.Encode(text))
	})
}

// FuzzPrecompiled reads any bytes as a precompiled_charsmap, which must be
// refused or normalize any text without panicking.
func FuzzPrecompiled(f *testing.F) {
	cm := albertCharsmap(f)
	f.Add(cm[:min(len(cm), 4096)], "ｆｕｌｌ ①")
	f.Add([]byte{4, 0, 0, 0, 0, 0, 0, 0}, "a")
	f.Fuzz(func(t *testing.T, blob []byte, text string) {
		n, err := parsePrecompiled(base64.StdEncoding.EncodeToString(blob))
		if err != nil {
			return
		}
		n.normalize(text)
	})
}
