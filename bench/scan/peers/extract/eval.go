package main

import (
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// errUnevaluable marks an expression that is not built from literals and the
// known sample helpers.
var errUnevaluable = errors.New("not a literal expression")

// value is what an expression evaluates to: a string, a list of strings, or
// (for path-keyed tables) a map from file path to content.
type value struct {
	s     string
	list  []string
	paths map[string]string
	kind  int
}

const (
	kindString = iota
	kindList
	kindPaths
	kindNil
)

// helpers are the sample-building functions read from the rule sources'
// utility package, applied to evaluated arguments.
type helpers struct {
	// templates expand a secret into assignment contexts: {i} is the
	// identifier, {I} it in upper case, {s} the secret.
	templates []string
	// single is the format of a one-line sample (identifier, secret).
	single string
	// patterns are the functions returning a character-class pattern of a
	// given size (a format with one %s), or a fixed pattern.
	patterns map[string]string
}

// evaluator evaluates expressions of one rule function.
type evaluator struct {
	h       *helpers
	s       *sampler
	globals map[string]ast.Expr
	locals  map[string]value
	// skipped counts list elements that could not be evaluated.
	skipped int
}

func (e *evaluator) str(x ast.Expr) (string, error) {
	v, err := e.eval(x)
	if err != nil {
		return "", err
	}
	if v.kind != kindString {
		return "", fmt.Errorf("%w: want a string", errUnevaluable)
	}
	return v.s, nil
}

func (e *evaluator) eval(x ast.Expr) (value, error) {
	switch x := x.(type) {
	case *ast.BasicLit:
		switch x.Kind {
		case token.STRING:
			s, err := strconv.Unquote(x.Value)
			if err != nil {
				return value{}, fmt.Errorf("unquoting %s: %w", x.Value, err)
			}
			return value{s: s}, nil
		case token.INT:
			return value{s: x.Value}, nil
		}
	case *ast.ParenExpr:
		return e.eval(x.X)
	case *ast.Ident:
		if x.Name == "nil" {
			return value{kind: kindNil}, nil
		}
		if v, ok := e.locals[x.Name]; ok {
			return v, nil
		}
		if g, ok := e.globals[x.Name]; ok {
			return e.eval(g)
		}
	case *ast.BinaryExpr:
		if x.Op == token.ADD {
			a, err := e.str(x.X)
			if err != nil {
				return value{}, err
			}
			b, err := e.str(x.Y)
			if err != nil {
				return value{}, err
			}
			return value{s: a + b}, nil
		}
	case *ast.CompositeLit:
		return e.composite(x)
	case *ast.CallExpr:
		return e.call(x)
	}
	return value{}, fmt.Errorf("%w: %T", errUnevaluable, x)
}

func (e *evaluator) composite(x *ast.CompositeLit) (value, error) {
	switch t := x.Type.(type) {
	case *ast.ArrayType:
		out := value{kind: kindList}
		for _, el := range x.Elts {
			s, err := e.str(el)
			if err != nil {
				e.skipped++
				continue
			}
			out.list = append(out.list, s)
		}
		return out, nil
	case *ast.MapType:
		out := value{kind: kindPaths, paths: map[string]string{}}
		for _, el := range x.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			k, err1 := e.str(kv.Key)
			v, err2 := e.str(kv.Value)
			if err1 != nil || err2 != nil {
				e.skipped++
				continue
			}
			out.paths[k] = v
		}
		return out, nil
	default:
		return value{}, fmt.Errorf("%w: composite %T", errUnevaluable, t)
	}
}

func (e *evaluator) call(x *ast.CallExpr) (value, error) {
	name := callName(x.Fun)
	args := make([]string, 0, len(x.Args))
	if name == "append" {
		base, err := e.eval(x.Args[0])
		if err != nil {
			return value{}, err
		}
		out := value{kind: kindList, list: append([]string(nil), base.list...)}
		for i, a := range x.Args[1:] {
			v, err := e.eval(a)
			if err != nil {
				e.skipped++
				continue
			}
			if x.Ellipsis.IsValid() && i == len(x.Args)-2 {
				out.list = append(out.list, v.list...)
			} else {
				out.list = append(out.list, v.s)
			}
		}
		return out, nil
	}
	for _, a := range x.Args {
		s, err := e.str(a)
		if err != nil {
			return value{}, err
		}
		args = append(args, s)
	}
	switch name {
	case "utils.GenerateSampleSecrets":
		if len(args) != 2 {
			break
		}
		r := strings.NewReplacer("{i}", args[0], "{I}", strings.ToUpper(args[0]), "{s}", args[1])
		out := value{kind: kindList}
		for _, t := range e.h.templates {
			out.list = append(out.list, r.Replace(t))
		}
		return out, nil
	case "utils.GenerateSampleSecret":
		if len(args) == 2 {
			return value{s: fmt.Sprintf(e.h.single, args[0], args[1])}, nil
		}
	case "secrets.NewSecret":
		if len(args) == 1 {
			s, err := e.s.sample(args[0])
			return value{s: s}, err
		}
	case "fmt.Sprintf":
		if len(args) >= 1 {
			rest := make([]any, len(args)-1)
			for i, a := range args[1:] {
				rest[i] = a
			}
			return value{s: fmt.Sprintf(args[0], rest...)}, nil
		}
	case "strings.Repeat":
		if n, err := strconv.Atoi(args[1]); err == nil && n >= 0 && n < 100000 {
			return value{s: strings.Repeat(args[0], n)}, nil
		}
	default:
		if p, ok := e.h.patterns[name]; ok {
			if strings.Contains(p, "%s") && len(args) == 1 {
				return value{s: fmt.Sprintf(p, args[0])}, nil
			}
			if len(args) == 0 {
				return value{s: p}, nil
			}
		}
	}
	return value{}, fmt.Errorf("%w: call %s", errUnevaluable, name)
}

// callName renders a called function as "pkg.Name" or "Name".
func callName(f ast.Expr) string {
	switch f := f.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		if id, ok := f.X.(*ast.Ident); ok {
			return id.Name + "." + f.Sel.Name
		}
	}
	return ""
}
