package exec

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
)

// OutputType is what a command promises to write at an output port.
type OutputType string

// Output types, as written in `outputs: {port: TYPE}`.
const (
	// Any is a file or a directory: what a port listed without a type holds.
	Any OutputType = "any"
	// File is one regular file.
	File OutputType = "file"
	// Dir is a directory.
	Dir OutputType = "dir"
	// Table is one Parquet file (any codec), recorded with its rows and schema
	// and read by the table-consuming kinds like an ingest output.
	Table OutputType = "table"
)

// outputTypes lists the types a definition may write, for error messages.
var outputTypes = []OutputType{Table, File, Dir, Any}

// HistoryPort is the output port the engine writes from the step metrics a
// command logs to $PIPELINE_STEPS (a table: step, then one column per metric).
const HistoryPort = "history"

var portRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// Output is one declared output port.
type Output struct {
	Port string
	Type OutputType
}

// Outputs is the declared output ports of a command, in the order listed
// (by port name for the map form).
type Outputs []Output

// ParseOutputs reads an `outputs` parameter: a list of port names (each a
// file or directory), or a map of port name to type.
func ParseOutputs(v any) (Outputs, error) {
	var out Outputs
	switch v := v.(type) {
	case nil:
	case []any:
		out = make(Outputs, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("`outputs` lists %v; each entry must be a port name", e)
			}
			out = append(out, Output{Port: s, Type: Any})
		}
	case map[string]any:
		for port, t := range v {
			s, _ := t.(string)
			typ := OutputType(s)
			if !validType(typ) {
				return nil, fmt.Errorf("output `%s` has type %v; the types are %s", port, t, typeList())
			}
			out = append(out, Output{Port: port, Type: typ})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Port < out[j].Port })
	default:
		return nil, fmt.Errorf("`outputs` must be a list of port names or a map of port name to type (%s)", typeList())
	}
	// Quadratic, without a map: a definition may hold thousands of
	// commands, each with a handful of ports.
	for i, o := range out {
		if !portRE.MatchString(o.Port) {
			return nil, fmt.Errorf("output port name %q must start with a letter or `_` and hold only letters, digits, `_`, `-` and `.`", o.Port)
		}
		for _, p := range out[:i] {
			if p.Port == o.Port {
				return nil, fmt.Errorf("output port %q is listed twice", o.Port)
			}
		}
	}
	return out, nil
}

func validType(t OutputType) bool {
	for _, k := range outputTypes {
		if t == k {
			return true
		}
	}
	return false
}

func typeList() string {
	s := make([]string, len(outputTypes))
	for i, t := range outputTypes {
		s[i] = "`" + string(t) + "`"
	}
	return strings.Join(s, ", ")
}

// Ports returns the port names, in order.
func (o Outputs) Ports() []string {
	s := make([]string, len(o))
	for i, x := range o {
		s[i] = x.Port
	}
	return s
}

// Roles says what each declared port holds: a `table` is a table, the
// engine's step-metrics table a history; the rest are files or
// directories the engine knows nothing more of.
func (o Outputs) Roles() map[string]stages.Role {
	roles := make(map[string]stages.Role, len(o))
	for _, x := range o {
		switch {
		case x.Type == Table && x.Port == HistoryPort:
			roles[x.Port] = stages.RoleHistory
		case x.Type == Table:
			roles[x.Port] = stages.RoleTable
		default:
			roles[x.Port] = stages.RoleFile
		}
	}
	return roles
}

// Lookup returns the declared output named port.
func (o Outputs) Lookup(port string) (Output, bool) {
	for _, x := range o {
		if x.Port == port {
			return x, true
		}
	}
	return Output{}, false
}

// Tables returns the ports declared as tables.
func (o Outputs) Tables() []string {
	var s []string
	for _, x := range o {
		if x.Type == Table {
			s = append(s, x.Port)
		}
	}
	return s
}

// check verifies what a finished command left in outDir: every declared
// port is there with its type, every table reads as Parquet to the end, and
// nothing else was written (a misspelt port would otherwise be lost without
// a word). engine names ports the engine itself writes after the check.
func (o Outputs) check(outDir string, followLinks bool, engine map[string]bool) error {
	entries, err := os.ReadDir(outDir)
	if err != nil {
		return fmt.Errorf("listing $PIPELINE_OUT: %w", err)
	}
	var extra []string
	for _, e := range entries {
		if engine[e.Name()] {
			return fmt.Errorf("the command wrote `%s` under $PIPELINE_OUT; that output is written by the engine from the step metrics logged to $PIPELINE_STEPS", e.Name())
		}
		if _, ok := o.Lookup(e.Name()); !ok {
			extra = append(extra, e.Name())
		}
	}
	if len(extra) > 0 {
		return fmt.Errorf("the command wrote %s under $PIPELINE_OUT, which %s not a declared output (declared: %s)",
			quoteList(extra), map[bool]string{true: "is", false: "are"}[len(extra) == 1], declaredList(o, engine))
	}
	for _, x := range o {
		if engine[x.Port] {
			continue
		}
		path := outDir + "/" + x.Port
		fi, err := os.Lstat(path)
		if err != nil {
			return fmt.Errorf("command succeeded but did not write output `%s` ($PIPELINE_OUT/%s)", x.Port, x.Port)
		}
		if followLinks {
			if err := artifacts.CopyLinkTargets(path); err != nil {
				return fmt.Errorf("output `%s`: %w", x.Port, err)
			}
			if fi, err = os.Lstat(path); err != nil {
				return fmt.Errorf("output `%s`: %w", x.Port, err)
			}
		}
		if err := checkType(path, fi, x); err != nil {
			return err
		}
	}
	return nil
}

func declaredList(o Outputs, engine map[string]bool) string {
	var s []string
	for _, x := range o {
		if !engine[x.Port] {
			s = append(s, x.Port)
		}
	}
	if len(s) == 0 {
		return "none"
	}
	return quoteList(s)
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("`%s`", x)
	}
	return strings.Join(q, ", ")
}

// checkType verifies that path (whose Lstat is fi) holds what its port's
// type promises.
func checkType(path string, fi os.FileInfo, o Output) error {
	switch o.Type {
	case File, Table:
		if !fi.Mode().IsRegular() {
			what := "a directory"
			if !fi.IsDir() {
				what = "not a regular file"
			}
			hint := ""
			if o.Type == Table && fi.IsDir() {
				hint = " (write one Parquet file, e.g. pyarrow.parquet.write_table, not a dataset directory)"
			}
			return fmt.Errorf("output `%s` is declared `%s` but is %s%s", o.Port, o.Type, what, hint)
		}
	case Dir:
		if !fi.IsDir() {
			return fmt.Errorf("output `%s` is declared `dir` but is not a directory", o.Port)
		}
	}
	if o.Type == Table {
		if err := CheckTable(path); err != nil {
			return fmt.Errorf("output `%s` is declared `table` but %w", o.Port, err)
		}
	}
	return nil
}

// CheckTable reads the Parquet file at path to its end, so that a table the
// engine records is one that every table-consuming stage can read.
func CheckTable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot be opened: %w", err)
	}
	var magic [4]byte
	_, err = io.ReadFull(f, magic[:])
	f.Close()
	if err != nil || string(magic[:]) != "PAR1" {
		return errors.New("is not a Parquet file (it does not start with PAR1)")
	}
	r, err := table.Open(path)
	if err != nil {
		return fmt.Errorf("is not a readable Parquet file: %w", err)
	}
	defer r.Close()
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("is not a readable Parquet file: %w", err)
		}
		rec.Release()
	}
}
