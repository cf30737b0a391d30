package pipeline

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	goccyparser "github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// The bounds every definition is checked against before and while it is
// parsed, so that no file (hostile or mistaken) can take the machine's
// memory or the parser's stack.
const (
	// MaxDefinitionBytes is the largest definition file read.
	MaxDefinitionBytes = 4 << 20
	// maxNesting is the deepest nesting of maps and lists.
	maxNesting = 200
	// maxExpandedValues bounds the values a document holds once every alias
	// is expanded (an alias bomb is a few hundred bytes that expand to
	// billions).
	maxExpandedValues = 1 << 20
)

// checkRawBounds rejects a file over MaxDefinitionBytes and any NUL or
// invalid UTF-8 byte (named by line and column), before anything parses it.
func checkRawBounds(file string, src []byte) error {
	if len(src) > MaxDefinitionBytes {
		return &Error{File: file, Msg: fmt.Sprintf("the definition is %d bytes; the limit is %d", len(src), MaxDefinitionBytes)}
	}
	line, col := 1, 1
	for i := 0; i < len(src); {
		c := src[i]
		size := 1
		switch {
		case c == 0:
			return &Error{File: file, Line: line, Col: col, Msg: "NUL byte; a definition must be text"}
		case c == '\n':
			line, col = line+1, 0
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && n <= 1 {
				return &Error{File: file, Line: line, Col: col, Msg: "invalid UTF-8 byte; a definition must be UTF-8 text"}
			}
			size = n
		}
		i += size
		col++
	}
	return nil
}

// yamlError turns a parse failure into a definition error written as every
// other definition error is ("file:line:col: message", one line). yaml.v3,
// which parses definitions in bounded memory, names no column and sometimes
// the line before; goccy/go-yaml, whose parser takes tens of times more
// memory on large files, pinpoints syntax errors: it re-reads the (bounded,
// already rejected) file for the position only.
func yamlError(file string, src []byte, err error) error {
	msg := oneLine(err.Error())
	if strings.Contains(msg, "exceeded max depth") {
		return &Error{File: file, Msg: fmt.Sprintf("the document nests more than %d levels deep", maxNesting)}
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if _, perr := goccyparser.ParseBytes(src, 0); perr != nil {
		var positioned interface {
			GetToken() *token.Token
			GetMessage() string
		}
		if errors.As(perr, &positioned) {
			if tk := positioned.GetToken(); tk != nil && tk.Position != nil {
				return &Error{File: file, Line: tk.Position.Line, Col: tk.Position.Column, Msg: "invalid YAML: " + oneLine(positioned.GetMessage())}
			}
		}
	}
	return &Error{File: file, Msg: "invalid YAML: " + msg}
}

// oneLine keeps the first line of a message, so a definition error stays one line.
func oneLine(msg string) string {
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		return msg[:i]
	}
	return msg
}
