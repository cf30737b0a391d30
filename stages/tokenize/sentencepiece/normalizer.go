package sentencepiece

import (
	"bytes"

	"github.com/mlpipe/pipeline/stages/tokenize/internal/charsmap"
)

// normalizer turns raw text into the normalized form the models segment:
// character-map rules applied, whitespace escaped as ▁, the dummy prefix
// added and extra whitespace removed, as the spec asks.
type normalizer struct {
	spec    normalizerSpec
	suffix  bool          // treat whitespace as a suffix (the dummy ▁ goes last)
	cmap    *charsmap.Map // nil for identity
	matcher *prefixMatcher
	special [256]bool // bytes that may start a rule or a user-defined symbol
	userDef [256]bool // bytes that may start a user-defined symbol
}

func newNormalizer(spec normalizerSpec, suffix bool, matcher *prefixMatcher) (*normalizer, error) {
	n := &normalizer{spec: spec, suffix: suffix, matcher: matcher}
	if len(spec.precompiledCharsmap) > 0 {
		cm, err := charsmap.Parse(spec.precompiledCharsmap)
		if err != nil {
			return nil, err
		}
		n.cmap = cm
		n.special = cm.First
	}
	if matcher != nil {
		n.userDef = matcher.first
		for i, v := range matcher.first {
			n.special[i] = n.special[i] || v
		}
	}
	return n, nil
}

// prefix normalizes the first unit of s: a user-defined symbol verbatim, the
// replacement of the longest character-map rule, one valid UTF-8 character
// unchanged, or U+FFFD for one malformed byte. It returns the normalized text
// and the number of input bytes consumed.
func (n *normalizer) prefix(s string) (string, int) {
	b := s[0]
	if n.special[b] {
		if n.matcher != nil {
			if l, ok := n.matcher.match(s); ok {
				return s[:l], l
			}
		}
		if n.cmap != nil {
			if repl, l, ok := n.cmap.Match(s); ok {
				return repl, l
			}
		}
	}
	if b < 0x80 {
		return s[:1], 1
	}
	l, ok := validPrefix(s)
	if !ok {
		return replacementChar, 1
	}
	return s[:l], l
}

// normalize appends the normalized form of input to dst and returns it.
func (n *normalizer) normalize(dst []byte, input string) []byte {
	if input == "" {
		return dst
	}
	rew := n.spec.removeExtraWhitespaces
	esc := n.spec.escapeWhitespaces
	if rew {
		for input != "" {
			sp, l := n.prefix(input)
			if sp != " " {
				break
			}
			input = input[l:]
		}
		if input == "" {
			return dst
		}
	}
	start := len(dst)
	space := " "
	if esc {
		space = spaceSymbol
	}
	if !n.suffix && n.spec.addDummyPrefix {
		dst = append(dst, space...)
	}
	prevSpace := rew
	for input != "" {
		var sp string
		var l int
		if b := input[0]; b < 0x80 && (!n.special[b] || (!n.userDef[b] && n.cmap != nil && n.cmap.ASCIIMiss(input))) {
			sp, l = input[:1], 1
		} else {
			sp, l = n.prefix(input)
		}
		if prevSpace {
			for len(sp) > 0 && sp[0] == ' ' {
				sp = sp[1:]
			}
		}
		if sp != "" {
			if esc {
				for i := 0; i < len(sp); i++ {
					if c := sp[i]; c == ' ' {
						dst = append(dst, spaceSymbol...)
					} else {
						dst = append(dst, c)
					}
				}
			} else {
				dst = append(dst, sp...)
			}
			prevSpace = sp[len(sp)-1] == ' '
		}
		input = input[l:]
		if !rew {
			prevSpace = false
		}
	}
	if rew {
		for len(dst)-start >= len(space) && bytes.HasSuffix(dst[start:], []byte(space)) {
			dst = dst[:len(dst)-len(space)]
		}
	}
	if n.suffix && n.spec.addDummyPrefix {
		dst = append(dst, space...)
	}
	return dst
}
