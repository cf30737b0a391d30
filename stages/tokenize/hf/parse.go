package hf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/mlpipe/pipeline/stages/tokenize/bpe"
)

// file is the layout of tokenizer.json.
type file struct {
	Version       string          `json:"version"`
	Truncation    json.RawMessage `json:"truncation"`
	Padding       json.RawMessage `json:"padding"`
	AddedTokens   []addedToken    `json:"added_tokens"`
	Normalizer    json.RawMessage `json:"normalizer"`
	PreTokenizer  json.RawMessage `json:"pre_tokenizer"`
	PostProcessor json.RawMessage `json:"post_processor"`
	Decoder       json.RawMessage `json:"decoder"`
	Model         json.RawMessage `json:"model"`
}

// component is the fields any pipeline component may carry; each reads its own.
type component struct {
	Type string `json:"type"`
	// Sequences.
	Normalizers   []json.RawMessage `json:"normalizers"`
	PreTokenizers []json.RawMessage `json:"pretokenizers"`
	Processors    []json.RawMessage `json:"processors"`
	Decoders      []json.RawMessage `json:"decoders"`
	// BertNormalizer.
	CleanText          *bool `json:"clean_text"`
	HandleChineseChars *bool `json:"handle_chinese_chars"`
	StripAccents       *bool `json:"strip_accents"`
	Lowercase          *bool `json:"lowercase"`
	// Strip.
	StripLeft  bool `json:"strip_left"`
	StripRight bool `json:"strip_right"`
	// ByteLevel, Metaspace.
	AddPrefixSpace *bool `json:"add_prefix_space"`
	UseRegex       *bool `json:"use_regex"`
	// Metaspace.
	Replacement   string `json:"replacement"`
	PrependScheme string `json:"prepend_scheme"`
	Split         *bool  `json:"split"`
	// Replace, Split.
	Pattern json.RawMessage `json:"pattern"`
	Content string          `json:"content"`
	// Split, Punctuation.
	Behavior string `json:"behavior"`
	Invert   bool   `json:"invert"`
	// CharDelimiterSplit.
	Delimiter string `json:"delimiter"`
	// Prepend.
	Prepend string `json:"prepend"`
	// Precompiled.
	PrecompiledCharsmap *string `json:"precompiled_charsmap"`
	// Strip decoder.
	Start int `json:"start"`
	Stop  int `json:"stop"`
	// Digits.
	IndividualDigits bool `json:"individual_digits"`
	// BertProcessing, RobertaProcessing.
	Sep []json.RawMessage `json:"sep"`
	Cls []json.RawMessage `json:"cls"`
	// TemplateProcessing.
	Single        []map[string]json.RawMessage `json:"single"`
	SpecialTokens map[string]struct {
		IDs []int32 `json:"ids"`
	} `json:"special_tokens"`
	// WordPiece decoder, BPEDecoder.
	Prefix  string `json:"prefix"`
	Cleanup *bool  `json:"cleanup"`
	Suffix  string `json:"suffix"`
}

// modelSpec is the fields of the models.
type modelSpec struct {
	Type                    string            `json:"type"`
	Vocab                   map[string]int32  `json:"vocab"`
	Merges                  []json.RawMessage `json:"merges"`
	UnkToken                *string           `json:"unk_token"`
	ContinuingSubwordPrefix *string           `json:"continuing_subword_prefix"`
	EndOfWordSuffix         *string           `json:"end_of_word_suffix"`
	FuseUnk                 bool              `json:"fuse_unk"`
	ByteFallback            bool              `json:"byte_fallback"`
	IgnoreMerges            bool              `json:"ignore_merges"`
	Dropout                 *float64          `json:"dropout"`
	MaxInputCharsPerWord    *int              `json:"max_input_chars_per_word"`
}

// LoadFile reads a tokenizer.json file.
func LoadFile(path string) (*Tokenizer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading tokenizer %s: %w", path, err)
	}
	t, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("loading tokenizer %s: %w", path, err)
	}
	t.source = path
	return t, nil
}

// Parse reads a tokenizer.json document.
func Parse(data []byte) (*Tokenizer, error) {
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("decoding tokenizer.json: %w", err)
	}
	if isNull(f.Model) {
		return nil, fmt.Errorf("tokenizer.json has no model")
	}
	t := &Tokenizer{file: bytes.Clone(data), fail: &failure{}}
	p := &parser{fail: t.fail}
	var err error
	if t.norm, err = p.normalizer(f.Normalizer); err != nil {
		return nil, fmt.Errorf("normalizer: %w", err)
	}
	byteLevel := false
	if t.pre, byteLevel, err = p.preTokenizer(f.PreTokenizer, true); err != nil {
		return nil, fmt.Errorf("pre_tokenizer: %w", err)
	}
	if t.model, t.kind, err = parseModel(f.Model, byteLevel); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	if t.post, err = p.postProcessor(f.PostProcessor); err != nil {
		return nil, fmt.Errorf("post_processor: %w", err)
	}
	if t.dec, err = p.decoder(f.Decoder); err != nil {
		return nil, fmt.Errorf("decoder: %w", err)
	}
	if t.limits, err = parseLimits(f.Truncation, f.Padding); err != nil {
		return nil, err
	}
	t.setAdded(f.AddedTokens)
	return t, nil
}

func (t *Tokenizer) setAdded(added []addedToken) {
	t.added = added
	t.addedByID = map[int32]addedToken{}
	t.addedIDs = map[string]int32{}
	var raw, normed []addedToken
	t.size = len(t.model.vocab().tokens)
	for _, a := range added {
		t.addedByID[a.ID] = a
		t.addedIDs[a.Content] = a.ID
		t.size = max(t.size, int(a.ID)+1)
		if a.Normalized {
			if t.norm != nil {
				a.Content = t.norm.normalize(a.Content)
			}
			normed = append(normed, a)
		} else {
			raw = append(raw, a)
		}
	}
	t.rawMatch = newMatcher(raw)
	t.normMatch = newMatcher(normed)
}

func isNull(m json.RawMessage) bool {
	return len(m) == 0 || string(bytes.TrimSpace(m)) == "null"
}

func parseComponent(m json.RawMessage) (*component, error) {
	var c component
	if err := json.Unmarshal(m, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

func unsupported(kind string, c *component) error {
	return fmt.Errorf("%s %q is not supported", kind, c.Type)
}

// parser reads the components of one tokenizer.json.
type parser struct {
	fail  *failure // shared by the components that can fail while encoding
	depth int      // nesting of the Sequence being read
}

// enter descends into a Sequence, refusing nesting beyond maxComponentDepth;
// leave comes back out.
func (p *parser) enter() error {
	p.depth++
	if p.depth > maxComponentDepth {
		return fmt.Errorf("Sequence components nest deeper than %d", maxComponentDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// preTokenizer also reports whether the pipeline is byte-level: a
// ByteLevel pre-tokenizer must come last, where its byte mapping is left to
// the model.
func (p *parser) preTokenizer(m json.RawMessage, last bool) (preTokenizer, bool, error) {
	if isNull(m) {
		return nil, false, nil
	}
	c, err := parseComponent(m)
	if err != nil {
		return nil, false, err
	}
	if c.Type == "Sequence" {
		if err := p.enter(); err != nil {
			return nil, false, err
		}
		defer p.leave()
		var seq sequencePre
		byteLevel := false
		for i, sub := range c.PreTokenizers {
			pt, bl, err := p.preTokenizer(sub, last && i == len(c.PreTokenizers)-1)
			if err != nil {
				return nil, false, fmt.Errorf("Sequence[%d]: %w", i, err)
			}
			byteLevel = byteLevel || bl
			if pt != nil {
				seq = append(seq, pt)
			}
		}
		return seq, byteLevel, nil
	}
	if c.Type == "ByteLevel" {
		if !last {
			return nil, false, fmt.Errorf("pre-tokenizer ByteLevel is only supported last in a Sequence")
		}
		useRegex := c.UseRegex == nil || *c.UseRegex
		return byteLevelPre{addPrefixSpace: c.AddPrefixSpace != nil && *c.AddPrefixSpace, useRegex: useRegex}, true, nil
	}
	build, ok := preTokenizers[c.Type]
	if !ok {
		return nil, false, unsupported("pre-tokenizer", c)
	}
	pt, err := build(p, c)
	return pt, false, err
}

func parseModel(m json.RawMessage, byteLevel bool) (model, string, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(m, &head); err != nil {
		return nil, "", err
	}
	switch head.Type {
	case "", "BPE", "WordPiece", "WordLevel":
	case "Unigram":
		u, err := parseUnigram(m)
		if err != nil {
			return nil, "", err
		}
		return u, "unigram", nil
	default:
		return nil, "", fmt.Errorf("model %q is not supported", head.Type)
	}
	var s modelSpec
	if err := json.Unmarshal(m, &s); err != nil {
		return nil, "", err
	}
	if s.Type == "" {
		switch {
		case s.Merges != nil:
			s.Type = "BPE"
		case s.MaxInputCharsPerWord != nil:
			s.Type = "WordPiece"
		}
	}
	v := newVocab(s.Vocab)
	unk := int32(-1)
	if s.UnkToken != nil {
		id, ok := v.id(*s.UnkToken)
		if !ok && s.Type != "BPE" {
			return nil, "", fmt.Errorf("unk_token %q is not in the vocabulary", *s.UnkToken)
		}
		if ok {
			unk = id
		}
	}
	switch s.Type {
	case "BPE":
		if s.Dropout != nil && *s.Dropout > 0 {
			return nil, "", fmt.Errorf("BPE dropout %g is not supported", *s.Dropout)
		}
		b := &bpeModel{v: v, byteLevel: byteLevel, unk: unk, fuseUnk: s.FuseUnk,
			byteFallback: s.ByteFallback, ignoreMerges: s.IgnoreMerges}
		if s.ContinuingSubwordPrefix != nil {
			b.prefix = *s.ContinuingSubwordPrefix
		}
		if s.EndOfWordSuffix != nil {
			b.suffix = *s.EndOfWordSuffix
		}
		b.merges = bpe.NewMerges(len(s.Merges))
		for i, raw := range s.Merges {
			a, c, err := parseMerge(raw)
			if err != nil {
				return nil, "", fmt.Errorf("merges[%d]: %w", i, err)
			}
			ida, ok1 := v.id(a)
			idc, ok2 := v.id(c)
			merged := a + strings.TrimPrefix(c, b.prefix)
			idm, ok3 := v.id(merged)
			if !ok1 || !ok2 || !ok3 {
				return nil, "", fmt.Errorf("merges[%d]: %q + %q: token missing from the vocabulary", i, a, c)
			}
			b.merges.Add(ida, idc, idm)
		}
		b.init()
		return b, "bpe", nil
	case "WordPiece":
		if unk < 0 {
			return nil, "", fmt.Errorf("WordPiece needs an unk_token in the vocabulary")
		}
		w := &wordPieceModel{v: v, unk: unk, prefix: "##", maxChars: 100}
		if s.ContinuingSubwordPrefix != nil {
			w.prefix = *s.ContinuingSubwordPrefix
		}
		if s.MaxInputCharsPerWord != nil {
			w.maxChars = *s.MaxInputCharsPerWord
		}
		return w, "wordpiece", nil
	case "WordLevel":
		return &wordLevelModel{v: v, unk: unk}, "wordlevel", nil
	}
	return nil, "", fmt.Errorf("model %q is not supported", s.Type)
}

// parseMerge reads a merge as "a b" (legacy layout) or ["a", "b"].
func parseMerge(raw json.RawMessage) (string, string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		a, b, ok := strings.Cut(s, " ")
		if !ok {
			return "", "", fmt.Errorf("merge %q has no space", s)
		}
		return a, b, nil
	}
	var pair []string
	if err := json.Unmarshal(raw, &pair); err != nil || len(pair) != 2 {
		return "", "", fmt.Errorf("merge %s is neither \"a b\" nor [\"a\", \"b\"]", raw)
	}
	return pair[0], pair[1], nil
}

// specialID reads a ["token", id] pair of BertProcessing / RobertaProcessing.
func specialID(pair []json.RawMessage) (int32, error) {
	var id int32
	if len(pair) != 2 {
		return 0, fmt.Errorf("want [token, id], got %d values", len(pair))
	}
	if err := json.Unmarshal(pair[1], &id); err != nil {
		return 0, err
	}
	return id, nil
}

// pattern reads a {"String": ...} pattern, or compiles a {"Regex": ...} one
// for the component where.
func (p *parser) pattern(c *component, where string) (string, *regex, error) {
	var pat struct {
		String *string `json:"String"`
		Regex  *string `json:"Regex"`
	}
	if err := json.Unmarshal(c.Pattern, &pat); err != nil {
		return "", nil, fmt.Errorf("%s: pattern: %w", c.Type, err)
	}
	switch {
	case pat.String != nil:
		return *pat.String, nil, nil
	case pat.Regex != nil:
		re, err := compileRegex(*pat.Regex, where, p.fail)
		return "", re, err
	}
	return "", nil, fmt.Errorf("%s: pattern is neither String nor Regex", c.Type)
}

// metaspace reads Metaspace's fields, old (add_prefix_space) and new (prepend_scheme).
func (c *component) metaspace() (metaspacePre, error) {
	m := metaspacePre{replacement: '\u2581', prepend: "always", splitWords: true}
	if c.Replacement != "" {
		r, n := utf8.DecodeRuneInString(c.Replacement)
		if n != len(c.Replacement) {
			return m, fmt.Errorf("Metaspace: replacement %q is not one character", c.Replacement)
		}
		m.replacement = r
	}
	switch {
	case c.PrependScheme != "":
		switch c.PrependScheme {
		case "always", "first", "never":
			m.prepend = c.PrependScheme
		default:
			return m, fmt.Errorf("Metaspace: unknown prepend_scheme %q", c.PrependScheme)
		}
	case c.AddPrefixSpace != nil && !*c.AddPrefixSpace:
		m.prepend = "never"
	}
	if c.Split != nil {
		m.splitWords = *c.Split
	}
	return m, nil
}

// parseSequence parses the members of a Sequence component with parse,
// dropping members that parse to nothing.
func parseSequence[T comparable](subs []json.RawMessage, parse func(json.RawMessage) (T, error)) ([]T, error) {
	var zero T
	var out []T
	for i, sub := range subs {
		v, err := parse(sub)
		if err != nil {
			return nil, fmt.Errorf("Sequence[%d]: %w", i, err)
		}
		if v != zero {
			out = append(out, v)
		}
	}
	return out, nil
}
