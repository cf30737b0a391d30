package hf

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// componentKind is one kind of pipeline component of tokenizer.json
// (normalizer, post-processor, decoder): its name in errors, a constructor
// for each supported `type`, and how a Sequence of it is read and joined.
// A kind's Sequences nest at most maxComponentDepth deep.
type componentKind[T comparable] struct {
	name    string
	byType  map[string]func(p *parser, c *component) (T, error)
	members func(c *component) []json.RawMessage
	join    func([]T) T
}

// parseComponentOf reads one component of kind k: null is none, a
// Sequence is its members joined, any other type its constructor's.
func parseComponentOf[T comparable](p *parser, k *componentKind[T], m json.RawMessage) (T, error) {
	var zero T
	if isNull(m) {
		return zero, nil
	}
	c, err := parseComponent(m)
	if err != nil {
		return zero, err
	}
	if c.Type == "Sequence" {
		if err := p.enter(); err != nil {
			return zero, err
		}
		defer p.leave()
		seq, err := parseSequence(k.members(c), func(sub json.RawMessage) (T, error) { return parseComponentOf(p, k, sub) })
		if err != nil {
			return zero, err
		}
		return k.join(seq), nil
	}
	build, ok := k.byType[c.Type]
	if !ok {
		return zero, unsupported(k.name, c)
	}
	return build(p, c)
}

func (p *parser) normalizer(m json.RawMessage) (normalizer, error) {
	return parseComponentOf(p, &normalizers, m)
}

func (p *parser) postProcessor(m json.RawMessage) (postProcessor, error) {
	return parseComponentOf(p, &postProcessors, m)
}

func (p *parser) decoder(m json.RawMessage) (decoder, error) {
	return parseComponentOf(p, &decoders, m)
}

// constant is a constructor for a component without settings.
func constant[T any](v T) func(*parser, *component) (T, error) {
	return func(*parser, *component) (T, error) { return v, nil }
}

// normalizers are the supported normalizer types.
var normalizers = componentKind[normalizer]{
	name: "normalizer",
	byType: map[string]func(*parser, *component) (normalizer, error){
		"BertNormalizer": func(_ *parser, c *component) (normalizer, error) {
			n := bertNorm{cleanText: true, chineseChars: true, lowercase: true}
			setBool(&n.cleanText, c.CleanText)
			setBool(&n.chineseChars, c.HandleChineseChars)
			setBool(&n.lowercase, c.Lowercase)
			n.stripAccents = n.lowercase
			setBool(&n.stripAccents, c.StripAccents)
			return n, nil
		},
		"Lowercase":    constant[normalizer](funcNorm(lowercase)),
		"StripAccents": constant[normalizer](funcNorm(stripMarks)),
		"NFC":          constant[normalizer](funcNorm(norm.NFC.String)),
		"NFD":          constant[normalizer](funcNorm(norm.NFD.String)),
		"NFKC":         constant[normalizer](funcNorm(norm.NFKC.String)),
		"NFKD":         constant[normalizer](funcNorm(norm.NFKD.String)),
		"Strip": func(_ *parser, c *component) (normalizer, error) {
			return stripNorm{left: c.StripLeft, right: c.StripRight}, nil
		},
		"Replace": func(p *parser, c *component) (normalizer, error) {
			pat, re, err := p.pattern(c, "normalizer Replace")
			if err != nil {
				return nil, err
			}
			if re != nil {
				return regexReplaceNorm{re: re, content: c.Content}, nil
			}
			return replaceNorm{pattern: pat, content: c.Content}, nil
		},
		"Prepend": func(_ *parser, c *component) (normalizer, error) { return prependNorm{prefix: c.Prepend}, nil },
		"Precompiled": func(_ *parser, c *component) (normalizer, error) {
			if c.PrecompiledCharsmap == nil || *c.PrecompiledCharsmap == "" {
				return nil, fmt.Errorf("Precompiled: no precompiled_charsmap")
			}
			return parsePrecompiled(*c.PrecompiledCharsmap)
		},
	},
	members: func(c *component) []json.RawMessage { return c.Normalizers },
	join:    func(s []normalizer) normalizer { return sequenceNorm(s) },
}

// postProcessors are the supported post-processor types.
var postProcessors = componentKind[postProcessor]{
	name: "post-processor",
	byType: map[string]func(*parser, *component) (postProcessor, error){
		"ByteLevel":          constant[postProcessor](nil), // it only adjusts offsets
		"BertProcessing":     wrapProcessing,
		"RobertaProcessing":  wrapProcessing,
		"TemplateProcessing": templateProcessing,
	},
	members: func(c *component) []json.RawMessage { return c.Processors },
	join:    func(s []postProcessor) postProcessor { return sequencePost(s) },
}

// wrapProcessing reads BertProcessing and RobertaProcessing: cls before, sep after.
func wrapProcessing(_ *parser, c *component) (postProcessor, error) {
	sep, err := specialID(c.Sep)
	if err != nil {
		return nil, fmt.Errorf("%s sep: %w", c.Type, err)
	}
	cls, err := specialID(c.Cls)
	if err != nil {
		return nil, fmt.Errorf("%s cls: %w", c.Type, err)
	}
	return wrapPost{before: []int32{cls}, after: []int32{sep}}, nil
}

// templateProcessing reads the single-sequence template of TemplateProcessing.
func templateProcessing(_ *parser, c *component) (postProcessor, error) {
	var p wrapPost
	seen := false
	for i, piece := range c.Single {
		if _, ok := piece["Sequence"]; ok {
			seen = true
			continue
		}
		raw, ok := piece["SpecialToken"]
		if !ok {
			return nil, fmt.Errorf("TemplateProcessing single[%d]: unknown piece", i)
		}
		var st struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(raw, &st); err != nil {
			return nil, fmt.Errorf("TemplateProcessing single[%d]: %w", i, err)
		}
		sp, ok := c.SpecialTokens[st.ID]
		if !ok {
			return nil, fmt.Errorf("TemplateProcessing single[%d]: special token %q is not defined", i, st.ID)
		}
		if seen {
			p.after = append(p.after, sp.IDs...)
		} else {
			p.before = append(p.before, sp.IDs...)
		}
	}
	return p, nil
}

// decoders are the supported decoder types.
var decoders = componentKind[decoder]{
	name: "decoder",
	byType: map[string]func(*parser, *component) (decoder, error){
		"ByteLevel": constant[decoder](byteLevelDec{}),
		"WordPiece": func(_ *parser, c *component) (decoder, error) {
			d := wordPieceDec{prefix: "##", cleanup: true}
			if c.Prefix != "" {
				d.prefix = c.Prefix
			}
			setBool(&d.cleanup, c.Cleanup)
			return d, nil
		},
		"BPEDecoder": func(_ *parser, c *component) (decoder, error) {
			d := bpeDec{suffix: "</w>"}
			if c.Suffix != "" {
				d.suffix = c.Suffix
			}
			return d, nil
		},
		"Fuse":         constant[decoder](fuseDec{}),
		"ByteFallback": constant[decoder](byteFallbackDec{}),
		"Replace": func(p *parser, c *component) (decoder, error) {
			pat, re, err := p.pattern(c, "decoder Replace")
			if err != nil {
				return nil, err
			}
			if re != nil {
				return regexReplaceDec{re: re, content: c.Content}, nil
			}
			return replaceDec{pattern: pat, content: c.Content}, nil
		},
		"Strip": func(_ *parser, c *component) (decoder, error) {
			r, n := utf8.DecodeRuneInString(c.Content)
			if n == 0 || n != len(c.Content) {
				return nil, fmt.Errorf("Strip: content %q is not one character", c.Content)
			}
			return stripDec{content: r, start: c.Start, stop: c.Stop}, nil
		},
		"Metaspace": func(_ *parser, c *component) (decoder, error) {
			m, err := c.metaspace()
			if err != nil {
				return nil, err
			}
			return metaspaceDec{replacement: m.replacement, prepend: m.prepend}, nil
		},
	},
	members: func(c *component) []json.RawMessage { return c.Decoders },
	join:    func(s []decoder) decoder { return sequenceDec(s) },
}

// setBool sets *dst to *v when the field was given.
func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

// preTokenizers are the supported pre-tokenizer types other than
// ByteLevel and Sequence, which (*parser).preTokenizer reads itself: they
// decide whether the pipeline is byte-level.
var preTokenizers = map[string]func(*parser, *component) (preTokenizer, error){
	"Metaspace": func(_ *parser, c *component) (preTokenizer, error) { return c.metaspace() },
	"Split": func(p *parser, c *component) (preTokenizer, error) {
		b, err := parseBehavior(c.Behavior, "")
		if err != nil || b == "" {
			return nil, fmt.Errorf("Split: behavior %q: %v", c.Behavior, err)
		}
		var rp struct {
			Regex *string `json:"Regex"`
		}
		if json.Unmarshal(c.Pattern, &rp) == nil && rp.Regex != nil {
			if find, ok := knownPatterns[*rp.Regex]; ok {
				return regexSplitPre{find: find, behavior: b, invert: c.Invert}, nil
			}
		}
		pat, re, err := p.pattern(c, "pre_tokenizer Split")
		if err != nil {
			return nil, err
		}
		if re != nil {
			return regexSplit{re: re, behavior: b, invert: c.Invert}, nil
		}
		return splitPre{pattern: pat, behavior: b, invert: c.Invert}, nil
	},
	"Punctuation": func(_ *parser, c *component) (preTokenizer, error) {
		b, err := parseBehavior(c.Behavior, isolated)
		if err != nil {
			return nil, fmt.Errorf("Punctuation: %w", err)
		}
		return punctuationPre{behavior: b}, nil
	},
	"CharDelimiterSplit": func(_ *parser, c *component) (preTokenizer, error) {
		r, n := utf8.DecodeRuneInString(c.Delimiter)
		if n == 0 || n != len(c.Delimiter) {
			return nil, fmt.Errorf("CharDelimiterSplit: delimiter %q is not one character", c.Delimiter)
		}
		return charDelimiterPre{delimiter: r}, nil
	},
	"Whitespace":       constant[preTokenizer](whitespacePre{}),
	"WhitespaceSplit":  constant[preTokenizer](whitespaceSplit{}),
	"BertPreTokenizer": constant[preTokenizer](bertPre{}),
	"Digits": func(_ *parser, c *component) (preTokenizer, error) {
		return digitsPre{individual: c.IndividualDigits}, nil
	},
}
