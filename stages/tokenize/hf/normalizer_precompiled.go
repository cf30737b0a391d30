package hf

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mlpipe/pipeline/stages/tokenize/internal/charsmap"
)

// precompiledNorm is the Precompiled normalizer: a SentencePiece character
// map applied as the reference library applies it. Each grapheme cluster
// shorter than 6 bytes is looked up whole first, and the shortest rule that
// starts it replaces all of it; otherwise each character is looked up alone.
type precompiledNorm struct {
	m *charsmap.Map
}

// parsePrecompiled decodes a base64 precompiled_charsmap.
func parsePrecompiled(b64 string) (precompiledNorm, error) {
	if base64.StdEncoding.DecodedLen(len(b64)) > maxCharsmapBytes {
		return precompiledNorm{}, fmt.Errorf("Precompiled: precompiled_charsmap of %d base64 bytes exceeds %d decoded", len(b64), maxCharsmapBytes)
	}
	blob, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return precompiledNorm{}, fmt.Errorf("Precompiled: precompiled_charsmap: %w", err)
	}
	m, err := charsmap.Parse(blob)
	if err != nil {
		return precompiledNorm{}, fmt.Errorf("Precompiled: %w", err)
	}
	return precompiledNorm{m: m}, nil
}

func (n precompiledNorm) normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf && !n.m.First[c] && (i+1 == len(s) || s[i+1] < utf8.RuneSelf) {
			// An ASCII character no rule starts, and not the base of a cluster.
			b.WriteByte(c)
			i++
			continue
		}
		g := s[i : i+nextGrapheme(s[i:])]
		i += len(g)
		if len(g) < 6 {
			if repl, _, ok := n.m.MatchShortest(g); ok {
				b.WriteString(repl)
				continue
			}
		}
		for j := 0; j < len(g); {
			_, w := utf8.DecodeRuneInString(g[j:])
			if repl, _, ok := n.m.MatchShortest(g[j : j+w]); ok {
				b.WriteString(repl)
			} else {
				b.WriteString(g[j : j+w])
			}
			j += w
		}
	}
	return b.String()
}
