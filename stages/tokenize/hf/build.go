package hf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// spec describes a tokenizer to build: its components as tokenizer.json
// values and its model's vocabulary and merges.
type spec struct {
	kind         string
	specials     []string // special tokens, each also in vocab
	normalizer   any
	preTokenizer any
	decoder      any
	model        map[string]any // the model's fields besides vocab and merges
	vocab        []string       // by id
	merges       [][2]string
}

// build writes the tokenizer.json of s and reads it back, so that a built
// tokenizer behaves exactly as its saved form.
func (s spec) build() (*Tokenizer, error) {
	var b bytes.Buffer
	var one bytes.Buffer
	enc := json.NewEncoder(&one)
	enc.SetEscapeHTML(false)
	put := func(v any) {
		one.Reset()
		if err := enc.Encode(v); err != nil {
			panic(err) // only maps, slices, strings and numbers are encoded
		}
		b.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n")))
	}
	b.WriteString("{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": [")
	ids := make(map[string]int32, len(s.vocab))
	for id, tok := range s.vocab {
		ids[tok] = int32(id)
	}
	for i, tok := range s.specials {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    ")
		put(addedToken{ID: ids[tok], Content: tok, Special: true})
	}
	b.WriteString("\n  ],\n  \"normalizer\": ")
	put(s.normalizer)
	b.WriteString(",\n  \"pre_tokenizer\": ")
	put(s.preTokenizer)
	b.WriteString(",\n  \"post_processor\": null,\n  \"decoder\": ")
	put(s.decoder)
	b.WriteString(",\n  \"model\": {")
	keys := make([]string, 0, len(s.model))
	for k := range s.model {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString("\n    ")
		put(k)
		b.WriteString(": ")
		put(s.model[k])
		b.WriteByte(',')
	}
	b.WriteString("\n    \"vocab\": {")
	for id, tok := range s.vocab {
		if id > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n      ")
		put(tok)
		b.WriteString(": " + strconv.Itoa(id))
	}
	b.WriteString("\n    }")
	if s.merges != nil || s.model["type"] == "BPE" {
		b.WriteString(",\n    \"merges\": [")
		for i, m := range s.merges {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\n      ")
			put(m)
		}
		b.WriteString("\n    ]")
	}
	b.WriteString("\n  }\n}\n")
	t, err := Parse(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("building %s tokenizer: %w", s.kind, err)
	}
	t.kind = s.kind
	return t, nil
}

func bpeModelFields(unk any) map[string]any {
	return map[string]any{
		"type": "BPE", "dropout": nil, "unk_token": unk, "continuing_subword_prefix": nil,
		"end_of_word_suffix": nil, "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
	}
}

var (
	byteLevelPreJSON = map[string]any{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}
	byteLevelDecJSON = map[string]any{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}
)

// byteAlphabet is the 256 byte-level characters, sorted by code point.
func byteAlphabet() []string {
	out := make([]string, 256)
	for b := range 256 {
		out[b] = string(byteRune[b])
	}
	sort.Strings(out)
	return out
}

// NewByte returns the byte tokenizer: each UTF-8 byte is its own token, id
// = byte value, and the special tokens follow from id 256.
func NewByte(specials []string) (*Tokenizer, error) {
	vocab := make([]string, 256)
	for b := range 256 {
		vocab[b] = string(byteRune[b])
	}
	vocab, err := appendSpecials(vocab, specials)
	if err != nil {
		return nil, err
	}
	pre := map[string]any{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}
	return spec{kind: "byte", specials: specials, preTokenizer: pre, decoder: byteLevelDecJSON,
		model: bpeModelFields(nil), vocab: vocab, merges: [][2]string{}}.build()
}

// appendSpecials adds the special tokens to vocab, refusing duplicates.
func appendSpecials(vocab, specials []string) ([]string, error) {
	seen := make(map[string]bool, len(vocab))
	for _, t := range vocab {
		seen[t] = true
	}
	for _, t := range specials {
		if t == "" {
			return nil, fmt.Errorf("a special token is empty")
		}
		if seen[t] {
			return nil, fmt.Errorf("special token %q is already in the vocabulary", t)
		}
		seen[t] = true
		vocab = append(vocab, t)
	}
	return vocab, nil
}
