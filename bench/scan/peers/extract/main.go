// Command extract reads gitleaks' rule definitions as data and writes their
// true- and false-positive examples as a JSONL corpus, one case a line.
//
//	go run ./bench/scan/peers/extract -git DIR -rev v8.30.1 -out cases.jsonl
//
// DIR is a git directory of gitleaks; the sources are read with `git show`,
// parsed with go/parser and never compiled or run. Each rule function's
// `tps` and `fps` (the two lists passed to its validation call) are evaluated
// from literals, from the sample helpers (their templates and patterns read
// from the utility sources) and from patterns sampled with a generator seeded
// by the rule id, so a run gives the same corpus every time.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path"
	"sort"
	"strings"

	"github.com/mlpipe/pipeline/bench/scan/peers/family"
)

const (
	rulesDir = "cmd/generate/config/rules"
	utilsDir = "cmd/generate/config/utils"
)

// Case is one line of the corpus.
type Case struct {
	Tool     string `json:"tool"`
	File     string `json:"file"`
	Rule     string `json:"rule"`
	Family   string `json:"family"`
	Path     string `json:"path,omitempty"`
	Text     string `json:"text"`
	Positive bool   `json:"positive"`
}

func main() {
	gitDir := flag.String("git", "", "git directory of gitleaks")
	rev := flag.String("rev", "v8.30.1", "revision to read")
	out := flag.String("out", "", "output JSONL file")
	flag.Parse()
	if *gitDir == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*gitDir, *rev, *out); err != nil {
		fmt.Fprintln(os.Stderr, "extract:", err)
		os.Exit(1)
	}
}

func run(gitDir, rev, out string) error {
	show := func(p string) ([]byte, error) {
		b, err := exec.Command("git", "--git-dir", gitDir, "show", rev+":"+p).Output()
		if err != nil {
			return nil, fmt.Errorf("reading %s at %s: %w", p, rev, err)
		}
		return b, nil
	}
	gen, err := show(utilsDir + "/generate.go")
	if err != nil {
		return err
	}
	pat, err := show(utilsDir + "/patterns.go")
	if err != nil {
		return err
	}
	h, err := readHelpers(gen, pat)
	if err != nil {
		return err
	}
	ls, err := exec.Command("git", "--git-dir", gitDir, "ls-tree", "--name-only", rev, rulesDir+"/").Output()
	if err != nil {
		return fmt.Errorf("listing %s at %s: %w", rulesDir, rev, err)
	}
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	globals := map[string]ast.Expr{}
	for _, p := range strings.Fields(string(ls)) {
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			continue
		}
		src, err := show(p)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, p, src, 0)
		if err != nil {
			return fmt.Errorf("parsing %s: %w", p, err)
		}
		files[p] = f
		collectGlobals(f, globals)
	}
	var cases []Case
	skipped := 0
	for _, p := range sortedFiles(files) {
		for _, d := range files[p].Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			cs, n := extractFunc(fn, p, h, globals)
			cases = append(cases, cs...)
			skipped += n
		}
	}
	w, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("creating corpus: %w", err)
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, c := range cases {
		if err := enc.Encode(c); err != nil {
			return fmt.Errorf("writing %s: %w", out, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", out, err)
	}
	fmt.Fprintf(os.Stderr, "%d cases from %d rule files at %s, %d expressions skipped\n", len(cases), len(files), rev, skipped)
	return nil
}

// collectGlobals records package-level variables and constants bound to one value.
func collectGlobals(f *ast.File, globals map[string]ast.Expr) {
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || (gd.Tok != token.VAR && gd.Tok != token.CONST) {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			if len(vs.Names) == len(vs.Values) {
				for i, n := range vs.Names {
					globals[n.Name] = vs.Values[i]
				}
			}
		}
	}
}

// extractFunc evaluates a rule function's top-level assignments in order and
// the lists given to its validation call.
func extractFunc(fn *ast.FuncDecl, file string, h *helpers, globals map[string]ast.Expr) ([]Case, int) {
	rule := ruleID(fn)
	if rule == "" {
		return nil, 0
	}
	e := &evaluator{h: h, s: newSampler(rule), globals: globals, locals: map[string]value{}}
	var tps, fps value
	found := false
	for _, st := range fn.Body.List {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if len(st.Lhs) != len(st.Rhs) {
				continue
			}
			for i, l := range st.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok {
					continue
				}
				v, err := e.eval(st.Rhs[i])
				if err != nil {
					e.skipped++
					continue
				}
				e.locals[id.Name] = v
			}
		case *ast.DeclStmt:
			gd, ok := st.Decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, s := range gd.Specs {
				vs, ok := s.(*ast.ValueSpec)
				if !ok || len(vs.Names) != len(vs.Values) {
					continue
				}
				for i, n := range vs.Names {
					if v, err := e.eval(vs.Values[i]); err == nil {
						e.locals[n.Name] = v
					} else {
						e.skipped++
					}
				}
			}
		case *ast.ReturnStmt:
			for _, r := range st.Results {
				c, ok := r.(*ast.CallExpr)
				if !ok || len(c.Args) != 3 {
					continue
				}
				switch callName(c.Fun) {
				case "utils.Validate", "utils.ValidateWithPaths":
					var err1, err2 error
					tps, err1 = e.eval(c.Args[1])
					fps, err2 = e.eval(c.Args[2])
					if err1 != nil || err2 != nil {
						e.skipped++
					}
					found = true
				}
			}
		}
	}
	if !found {
		return nil, e.skipped
	}
	fam := family.Of(rule)
	var out []Case
	seen := map[string]bool{}
	add := func(v value, positive bool) {
		emit := func(p, text string) {
			k := fmt.Sprintf("%v\x00%s\x00%s", positive, p, text)
			if text == "" || seen[k] {
				return
			}
			seen[k] = true
			out = append(out, Case{Tool: "gitleaks", File: file, Rule: rule, Family: fam, Path: p, Text: text, Positive: positive})
		}
		switch v.kind {
		case kindString:
			emit("", v.s)
		case kindList:
			for _, s := range v.list {
				emit("", s)
			}
		case kindPaths:
			for _, k := range sortedKeys(v.paths) {
				emit(path.Clean(k), v.paths[k])
			}
		}
	}
	add(tps, true)
	add(fps, false)
	return out, e.skipped
}

// ruleID returns the literal RuleID of the rule a function builds, or "".
func ruleID(fn *ast.FuncDecl) string {
	id := ""
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		kv, ok := n.(*ast.KeyValueExpr)
		if !ok || id != "" {
			return id == ""
		}
		if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "RuleID" {
			if s, err := unquote(kv.Value); err == nil {
				id = s
			}
		}
		return true
	})
	return id
}

func sortedFiles(m map[string]*ast.File) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
