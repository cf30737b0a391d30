package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// nodeKind tells maps, lists and scalars apart.
type nodeKind int

const (
	scalarNode nodeKind = iota
	mapNode
	listNode
)

// node is a YAML value with the position it came from. Maps keep their keys
// in file order.
type node struct {
	Kind      nodeKind
	Line, Col int
	// Value is the scalar's value: nil, bool, int64, float64 or string.
	Value any
	// Keys lists a map's keys in order; KeyNodes holds their positions.
	Keys     []string
	KeyNodes map[string]*node
	Map      map[string]*node
	List     []*node
	// expanded counts the values this one stands for once aliases are
	// expanded (itself and everything under it).
	expanded int
}

// get returns the value under key in a map node, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.Kind != mapNode {
		return nil
	}
	return n.Map[key]
}

// keyNode returns the position of key in a map node, or the map itself.
func (n *node) keyNode(key string) *node {
	if n == nil || n.KeyNodes == nil || n.KeyNodes[key] == nil {
		return n
	}
	return n.KeyNodes[key]
}

// toAny converts the node to plain Go values: map[string]any, []any, scalars.
func (n *node) toAny() any {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case mapNode:
		m := make(map[string]any, len(n.Keys))
		for _, k := range n.Keys {
			m[k] = n.Map[k].toAny()
		}
		return m
	case listNode:
		l := make([]any, len(n.List))
		for i, v := range n.List {
			l[i] = v.toAny()
		}
		return l
	}
	return n.Value
}

// parseYAML parses src into a positioned node tree, within the bounds of
// bounds.go.
func parseYAML(file string, src []byte) (*node, error) {
	if err := checkRawBounds(file, src); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: file, Msg: "the file is empty"}
		}
		return nil, yamlError(file, src, err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); err == nil {
		return nil, &Error{File: file, Line: more.Line, Col: more.Column, Msg: "the file holds several YAML documents; a definition is one"}
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(file, src, err)
	}
	if len(doc.Content) == 0 {
		return nil, &Error{File: file, Msg: "the file is empty"}
	}
	c := &converter{file: file}
	return c.convert(doc.Content[0])
}

type converter struct {
	file  string
	depth int
	// anchored holds each anchored node's conversion, so its aliases share it.
	anchored map[*yaml.Node]*node
	// converting marks the anchored nodes being converted (an alias inside
	// its own anchor would never end).
	converting map[*yaml.Node]bool
}

func (c *converter) fail(yn *yaml.Node, format string, args ...any) error {
	return &Error{File: c.file, Line: yn.Line, Col: yn.Column, Msg: fmt.Sprintf(format, args...)}
}

// convert turns a yaml.v3 node into a positioned node. An alias converts to
// the node its anchor names (shared, not copied); expanded counts what it
// stands for, so a small file of aliases cannot stand for a huge one.
func (c *converter) convert(yn *yaml.Node) (*node, error) {
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxNesting {
		return nil, c.fail(yn, "the document nests more than %d levels deep", maxNesting)
	}
	if yn.Kind == yaml.AliasNode {
		if yn.Alias == nil {
			return nil, c.fail(yn, "unknown alias *%s", yn.Value)
		}
		if c.converting[yn.Alias] {
			return nil, c.fail(yn, "alias *%s is inside the value it names", yn.Value)
		}
		return c.convert(yn.Alias)
	}
	if yn.Anchor != "" {
		if n, ok := c.anchored[yn]; ok {
			return n, nil
		}
	}
	if yn.Anchor != "" {
		if c.converting == nil {
			c.converting = map[*yaml.Node]bool{}
		}
		c.converting[yn] = true
		defer delete(c.converting, yn)
	}
	n := &node{Line: yn.Line, Col: yn.Column, expanded: 1}
	switch yn.Kind {
	case yaml.MappingNode:
		n.Kind = mapNode
		n.Map, n.KeyNodes = map[string]*node{}, map[string]*node{}
		for i := 0; i+1 < len(yn.Content); i += 2 {
			if err := c.addPair(n, yn.Content[i], yn.Content[i+1]); err != nil {
				return nil, err
			}
			// Converted: let the collector take the parser's nodes as we go
			// (an anchored node stays reachable from its aliases).
			yn.Content[i], yn.Content[i+1] = nil, nil
		}
	case yaml.SequenceNode:
		n.Kind = listNode
		for _, item := range yn.Content {
			child, err := c.convert(item)
			if err != nil {
				return nil, err
			}
			if err := c.grow(n, child, item); err != nil {
				return nil, err
			}
			n.List = append(n.List, child)
		}
		clear(yn.Content)
	case yaml.ScalarNode:
		v, err := c.scalar(yn)
		if err != nil {
			return nil, err
		}
		n.Value = v
	default:
		return nil, c.fail(yn, "unsupported YAML construct")
	}
	if yn.Anchor != "" {
		if c.anchored == nil {
			c.anchored = map[*yaml.Node]*node{}
		}
		c.anchored[yn] = n
	}
	return n, nil
}

// scalar resolves a scalar to nil, bool, int64, float64 or string.
func (c *converter) scalar(yn *yaml.Node) (any, error) {
	switch yn.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := yn.Decode(&b); err != nil {
			return nil, c.fail(yn, "invalid boolean %q", yn.Value)
		}
		return b, nil
	case "!!int":
		var i int64
		if err := yn.Decode(&i); err != nil {
			return nil, c.fail(yn, "integer %s is too large", yn.Value)
		}
		return i, nil
	case "!!float":
		var f float64
		if err := yn.Decode(&f); err != nil {
			return nil, c.fail(yn, "invalid number %q", yn.Value)
		}
		return f, nil
	}
	if yn.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		if f, ok := plainFloat(yn.Value); ok {
			return f, nil
		}
	}
	return yn.Value, nil
}

// grow adds a child's expanded size to its parent's, failing at the child's
// position once the document would stand for more than maxExpandedValues
// values (aliases make a small file stand for a huge one).
func (c *converter) grow(parent, child *node, at *yaml.Node) error {
	parent.expanded += child.expanded
	if parent.expanded > maxExpandedValues {
		return c.fail(at, "aliases expand the document to more than %d values", maxExpandedValues)
	}
	return nil
}

func (c *converter) addPair(n *node, key, value *yaml.Node) error {
	if key.ShortTag() == "!!merge" {
		return c.fail(key, "merge keys (<<) are not supported")
	}
	keyNode, err := c.convert(key)
	if err != nil {
		return err
	}
	if keyNode.Kind != scalarNode || keyNode.Value == nil {
		return c.fail(key, "map keys must be plain strings")
	}
	k := fmt.Sprint(keyNode.Value)
	if key.Kind == yaml.ScalarNode {
		k = key.Value
	}
	if _, dup := n.Map[k]; dup {
		return c.fail(key, "duplicate key %q (first at line %d)", k, n.KeyNodes[k].Line)
	}
	val, err := c.convert(value)
	if err != nil {
		return err
	}
	if err := c.grow(n, val, value); err != nil {
		return err
	}
	n.Keys = append(n.Keys, k)
	n.KeyNodes[k] = keyNode
	n.Map[k] = val
	return nil
}

// floatRE is YAML 1.2's core-schema float, which YAML 1.1 parsers leave as a
// string when it has no dot ("1e-3").
var floatRE = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)[eE][-+]?[0-9]+$`)

// plainFloat reads an unquoted scalar in exponent form as a number.
func plainFloat(s string) (float64, bool) {
	if !floatRE.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}
