package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
)

// templateNames are the assignment contexts kept from the sample-expansion
// table: a bare INI value, a JSON string, a JSON string holding an escaped
// line break, an XML element across lines, a single-quoted Python string and
// a call with the value as an argument. The table has about thirty; these six
// keep the corpus small while covering each way a value is quoted or delimited.
var templateNames = []string{
	"ini - unquoted1", "json - string", "json - escaped newline in string",
	"xml - element multiline", "python - single quote", "misc - comma operator",
}

// readHelpers reads the sample templates and pattern helpers from the
// sources of the rule utilities: generate.go (the map literal of templates,
// the one-line sample's format) and patterns.go (functions returning
// fmt.Sprintf(pattern, size) or a literal).
func readHelpers(generate, patterns []byte) (*helpers, error) {
	fset := token.NewFileSet()
	gen, err := parser.ParseFile(fset, "generate.go", generate, 0)
	if err != nil {
		return nil, fmt.Errorf("parsing generate.go: %w", err)
	}
	h := &helpers{patterns: map[string]string{}}
	table := map[string]string{}
	for _, d := range gen.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		switch fn.Name.Name {
		case "GenerateSampleSecrets":
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				cl, ok := n.(*ast.CompositeLit)
				if _, isMap := typeOf(cl).(*ast.MapType); !ok || !isMap {
					return true
				}
				for _, el := range cl.Elts {
					kv := el.(*ast.KeyValueExpr)
					k, err1 := unquote(kv.Key)
					v, err2 := unquote(kv.Value)
					if err1 == nil && err2 == nil {
						table[k] = v
					}
				}
				return false
			})
		case "GenerateSampleSecret":
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				c, ok := n.(*ast.CallExpr)
				if ok && callName(c.Fun) == "fmt.Sprintf" && len(c.Args) > 0 {
					if s, err := unquote(c.Args[0]); err == nil {
						h.single = s
					}
				}
				return true
			})
		}
	}
	for _, name := range templateNames {
		t, ok := table[name]
		if !ok {
			return nil, fmt.Errorf("generate.go: no sample template %q (found %d)", name, len(table))
		}
		h.templates = append(h.templates, t)
	}
	if h.single == "" {
		return nil, fmt.Errorf("generate.go: no format in GenerateSampleSecret")
	}
	pat, err := parser.ParseFile(fset, "patterns.go", patterns, 0)
	if err != nil {
		return nil, fmt.Errorf("parsing patterns.go: %w", err)
	}
	for _, d := range pat.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil || len(fn.Body.List) != 1 {
			continue
		}
		ret, ok := fn.Body.List[0].(*ast.ReturnStmt)
		if !ok || len(ret.Results) != 1 {
			continue
		}
		switch r := ret.Results[0].(type) {
		case *ast.BasicLit:
			if s, err := unquote(r); err == nil {
				h.patterns["utils."+fn.Name.Name] = s
			}
		case *ast.CallExpr:
			if callName(r.Fun) == "fmt.Sprintf" && len(r.Args) == 2 {
				if s, err := unquote(r.Args[0]); err == nil {
					h.patterns["utils."+fn.Name.Name] = s
				}
			}
		}
	}
	if len(h.patterns) == 0 {
		return nil, fmt.Errorf("patterns.go: no pattern helpers")
	}
	return h, nil
}

func typeOf(cl *ast.CompositeLit) ast.Expr {
	if cl == nil {
		return nil
	}
	return cl.Type
}

func unquote(x ast.Expr) (string, error) {
	lit, ok := x.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", errUnevaluable
	}
	return strconv.Unquote(lit.Value)
}

// sortedKeys returns a map's keys in order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
