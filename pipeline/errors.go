// Package pipeline turns a definition file into a compiled DAG: it parses the
// YAML with positions, validates every key and value against the stage kinds'
// schemas, resolves params, --set overrides and ${...} interpolation, expands
// sweeps, and wires stage instances into a graph the runtime executes.
package pipeline

import (
	"fmt"
	"sort"
	"strings"
)

// Error is a definition error: something wrong with the file, found before
// anything runs. Line and Col are 1-based; zero when unknown.
type Error struct {
	File string
	Line int
	Col  int
	Msg  string
}

// Error implements error as "file:line:col: message".
func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return e.Msg
}

// Errors is a list of definition errors reported together.
type Errors []*Error

// Error implements error, one error per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// errs collects definition errors against one file.
type errs struct {
	file string
	list Errors
}

func (c *errs) at(n *node, format string, args ...any) {
	e := &Error{File: c.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Col = n.Line, n.Col
	}
	c.list = append(c.list, e)
}

func (c *errs) err() error {
	if len(c.list) == 0 {
		return nil
	}
	sort.SliceStable(c.list, func(i, j int) bool {
		a, b := c.list[i], c.list[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return c.list
}
