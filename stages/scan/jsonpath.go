package scan

import (
	"strconv"
	"strings"
)

// jsonPath returns the path (`messages[2].content`) of the JSON string that
// contains byte off of line, a JSON document on one line. It returns "" when
// off is not inside a string or the line is not JSON. Key strings count as
// their member's path. It never fails on malformed input.
func jsonPath(line []byte, off int) string {
	type frame struct {
		obj       bool
		key       string
		idx       int
		expectKey bool
	}
	var stack []frame
	path := func() string {
		var b strings.Builder
		for _, f := range stack {
			if f.obj {
				if isPlainKey(f.key) {
					if b.Len() > 0 {
						b.WriteByte('.')
					}
					b.WriteString(f.key)
				} else {
					b.WriteString("[" + strconv.Quote(f.key) + "]")
				}
			} else {
				b.WriteString("[" + strconv.Itoa(f.idx) + "]")
			}
		}
		return b.String()
	}
	for i := 0; i < len(line); i++ {
		switch c := line[i]; c {
		case '{':
			stack = append(stack, frame{obj: true, expectKey: true})
		case '[':
			stack = append(stack, frame{})
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case ',':
			if n := len(stack); n > 0 {
				if stack[n-1].obj {
					stack[n-1].expectKey = true
				} else {
					stack[n-1].idx++
				}
			}
		case '"':
			start := i
			i++
			for i < len(line) && line[i] != '"' {
				if line[i] == '\\' {
					i++
				}
				i++
			}
			end := i // index of the closing quote (or len(line))
			n := len(stack)
			isKey := n > 0 && stack[n-1].obj && stack[n-1].expectKey
			if isKey {
				stack[n-1].key = unquoteKey(line[start+1 : min(end, len(line))])
				stack[n-1].expectKey = false
			}
			if start <= off && off <= end {
				if n == 0 {
					return ""
				}
				return path()
			}
		}
	}
	return ""
}

// unquoteKey decodes a JSON key's escapes, keeping the raw text when invalid.
func unquoteKey(raw []byte) string {
	if s, err := strconv.Unquote(`"` + string(raw) + `"`); err == nil {
		return s
	}
	return string(raw)
}

// isPlainKey reports whether a key can be written after a dot.
func isPlainKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !(r == '_' || r == '-' || r == '$' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}
