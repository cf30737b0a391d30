package hf

import "strings"

// Regular expressions of Split pre-tokenizers that are implemented by hand
// (any other is an error: a different engine could split differently).
const (
	patternGPT2   = `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
	patternCL100K = `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
)

// knownPatterns maps each supported regular expression to its splitter.
var knownPatterns = map[string]func(string, func(string)){
	patternGPT2:   splitGPT2,
	patternCL100K: splitCL100K,
}

// contractionFold is contraction, ignoring case ((?i:'s|'t|...)).
func contractionFold(s string) int {
	if len(s) < 2 || s[0] != '\'' {
		return 0
	}
	switch s[1] | 0x20 {
	case 's', 't', 'm', 'd':
		return 2
	}
	if len(s) >= 3 {
		switch strings.ToLower(s[1:3]) {
		case "re", "ve", "ll":
			return 3
		}
	}
	return 0
}

func isCRLF(b byte) bool { return b == '\r' || b == '\n' }

// splitCL100K calls emit with each piece of s as the cl100k_base pattern
// (also Llama 3's) splits it.
func splitCL100K(s string, emit func(string)) {
	for i := 0; i < len(s); {
		if n := contractionFold(s[i:]); n > 0 {
			emit(s[i : i+n])
			i += n
			continue
		}
		c, w := classAt(s, i)
		// [^\r\n\p{L}\p{N}]?\p{L}+
		start := i
		if c == classLetter || (c != classNumber && !isCRLF(s[i]) && i+w < len(s)) {
			j := i
			if c != classLetter {
				j += w
			}
			if c2, _ := classAt(s, min(j, len(s)-1)); j < len(s) && c2 == classLetter {
				for j < len(s) {
					c3, w3 := classAt(s, j)
					if c3 != classLetter {
						break
					}
					j += w3
				}
				emit(s[start:j])
				i = j
				continue
			}
		}
		// \p{N}{1,3}
		if c == classNumber {
			j, n := i, 0
			for j < len(s) && n < 3 {
				c3, w3 := classAt(s, j)
				if c3 != classNumber {
					break
				}
				j += w3
				n++
			}
			emit(s[start:j])
			i = j
			continue
		}
		// ` ?[^\s\p{L}\p{N}]+[\r\n]*`
		j := i
		if s[i] == ' ' && i+1 < len(s) {
			if c2, _ := classAt(s, i+1); c2 == classOther {
				j++
			}
		}
		if c2, _ := classAt(s, j); c2 == classOther {
			for j < len(s) {
				c3, w3 := classAt(s, j)
				if c3 != classOther {
					break
				}
				j += w3
			}
			for j < len(s) && isCRLF(s[j]) {
				j++
			}
			emit(s[start:j])
			i = j
			continue
		}
		// White space: `\s*[\r\n]+` (up to the run's last line break), else
		// `\s+(?!\S)` and `\s+` as in GPT-2.
		end, last, lastBreak := i, i, -1
		for end < len(s) {
			c3, w3 := classAt(s, end)
			if c3 != classSpace {
				break
			}
			if isCRLF(s[end]) {
				lastBreak = end
			}
			last = end
			end += w3
		}
		switch {
		case lastBreak >= 0:
			end = lastBreak + 1
		case end < len(s) && last > start:
			end = last
		}
		emit(s[start:end])
		i = end
	}
}

// regexSplitPre is Split with one of the regular expressions in knownPatterns.
type regexSplitPre struct {
	find     func(string, func(string))
	behavior behavior
	invert   bool
}

func (p regexSplitPre) split(s string, _ bool, emit func(string)) {
	var matches [][2]int
	off := 0
	p.find(s, func(m string) {
		matches = append(matches, [2]int{off, off + len(m)})
		off += len(m)
	})
	splitPieces(s, matches, p.behavior, p.invert, emit)
}
