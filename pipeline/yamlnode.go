package pipeline

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
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

// parseYAML parses src into a positioned node tree.
func parseYAML(file string, src []byte) (*node, error) {
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		return nil, &Error{File: file, Msg: "invalid YAML: " + err.Error()}
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil, &Error{File: file, Msg: "the file is empty"}
	}
	if len(f.Docs) > 1 {
		return nil, &Error{File: file, Msg: "the file holds several YAML documents; a definition is one"}
	}
	c := &converter{file: file, anchors: map[string]*node{}}
	n, err := c.convert(f.Docs[0].Body)
	if err != nil {
		return nil, err
	}
	return n, nil
}

type converter struct {
	file    string
	anchors map[string]*node
	depth   int
}

func (c *converter) fail(an ast.Node, format string, args ...any) error {
	e := &Error{File: c.file, Msg: fmt.Sprintf(format, args...)}
	if tk := an.GetToken(); tk != nil && tk.Position != nil {
		e.Line, e.Col = tk.Position.Line, tk.Position.Column
	}
	return e
}

func (c *converter) convert(an ast.Node) (*node, error) {
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > 200 {
		return nil, c.fail(an, "the document nests too deeply")
	}
	n := &node{}
	if tk := an.GetToken(); tk != nil && tk.Position != nil {
		n.Line, n.Col = tk.Position.Line, tk.Position.Column
	}
	switch v := an.(type) {
	case *ast.MappingNode:
		n.Kind = mapNode
		n.Map, n.KeyNodes = map[string]*node{}, map[string]*node{}
		for _, mv := range v.Values {
			if err := c.addPair(n, mv); err != nil {
				return nil, err
			}
		}
	case *ast.MappingValueNode:
		n.Kind = mapNode
		n.Map, n.KeyNodes = map[string]*node{}, map[string]*node{}
		if err := c.addPair(n, v); err != nil {
			return nil, err
		}
	case *ast.SequenceNode:
		n.Kind = listNode
		for _, item := range v.Values {
			child, err := c.convert(item)
			if err != nil {
				return nil, err
			}
			n.List = append(n.List, child)
		}
	case *ast.AnchorNode:
		child, err := c.convert(v.Value)
		if err != nil {
			return nil, err
		}
		c.anchors[v.Name.String()] = child
		return child, nil
	case *ast.AliasNode:
		target, ok := c.anchors[v.Value.String()]
		if !ok {
			return nil, c.fail(an, "unknown alias *%s", v.Value.String())
		}
		return target, nil
	case *ast.TagNode:
		return c.convert(v.Value)
	case *ast.NullNode:
		n.Value = nil
	case *ast.BoolNode:
		n.Value = v.Value
	case *ast.IntegerNode:
		switch x := v.Value.(type) {
		case int64:
			n.Value = x
		case uint64:
			if x > 1<<63-1 {
				return nil, c.fail(an, "integer %d is too large", x)
			}
			n.Value = int64(x)
		case int:
			n.Value = int64(x)
		default:
			n.Value = x
		}
	case *ast.FloatNode:
		n.Value = v.Value
	case *ast.InfinityNode:
		n.Value = v.Value
	case *ast.NanNode:
		n.Value = v.GetValue()
	case *ast.StringNode:
		n.Value = v.Value
		if tk := v.GetToken(); tk != nil && tk.Type != token.DoubleQuoteType && tk.Type != token.SingleQuoteType {
			if f, ok := plainFloat(v.Value); ok {
				n.Value = f
			}
		}
	case *ast.LiteralNode:
		n.Value = v.Value.Value
	case *ast.CommentNode, *ast.CommentGroupNode:
		n.Value = nil
	default:
		return nil, c.fail(an, "unsupported YAML construct (%s)", an.Type())
	}
	return n, nil
}

func (c *converter) addPair(n *node, mv *ast.MappingValueNode) error {
	if _, merge := mv.Key.(*ast.MergeKeyNode); merge {
		return c.fail(mv.Key, "merge keys (<<) are not supported")
	}
	keyNode, err := c.convert(mv.Key)
	if err != nil {
		return err
	}
	if keyNode.Kind != scalarNode || keyNode.Value == nil {
		return c.fail(mv.Key, "map keys must be plain strings")
	}
	key := fmt.Sprint(keyNode.Value)
	if _, dup := n.Map[key]; dup {
		return c.fail(mv.Key, "duplicate key %q", key)
	}
	val, err := c.convert(mv.Value)
	if err != nil {
		return err
	}
	n.Keys = append(n.Keys, key)
	n.KeyNodes[key] = keyNode
	n.Map[key] = val
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
