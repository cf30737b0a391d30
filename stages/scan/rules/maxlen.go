package rules

import "regexp/syntax"

// maxLen returns the longest match of a pattern in bytes (a rune outside
// ASCII counted as 4), or 0 when matches are unbounded or the pattern does
// not parse.
func maxLen(pattern string) int {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return 0
	}
	return longest(re.Simplify())
}

func longest(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(string(re.Rune))
	case syntax.OpCharClass:
		for _, r := range re.Rune {
			if r >= 0x80 {
				return 4
			}
		}
		return 1
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 4
	case syntax.OpCapture:
		return longest(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, s := range re.Sub {
			m := longest(s)
			if m < 0 {
				return -1
			}
			n += m
		}
		return n
	case syntax.OpAlternate:
		n := 0
		for _, s := range re.Sub {
			m := longest(s)
			if m < 0 {
				return -1
			}
			n = max(n, m)
		}
		return n
	case syntax.OpQuest:
		return longest(re.Sub[0])
	case syntax.OpRepeat:
		if re.Max < 0 {
			return -1
		}
		m := longest(re.Sub[0])
		if m < 0 {
			return -1
		}
		return m * re.Max
	case syntax.OpStar, syntax.OpPlus:
		return -1
	}
	return 0
}
