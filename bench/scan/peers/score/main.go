// Command score writes the peer corpus as files and scores scanners'
// findings on them.
//
//	score write -corpus cases.jsonl -dir DIR
//	score tally -corpus cases.jsonl -dir DIR -ours ours.jsonl -gitleaks gitleaks.json [-golden]
//
// `write` writes each case as a file under DIR. `tally` reads the findings of
// `pipeline scan --format jsonl DIR` and of `gitleaks dir DIR --report-format
// json`, maps both scanners' rule ids to shared families and prints per family
// the cases, recall and false-positive rate of both; with -golden it prints
// the project scanner's raw counts in the form of the committed golden.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mlpipe/pipeline/bench/scan/peers/peercorpus"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: score write|tally [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	corpus := fs.String("corpus", "", "JSONL peer corpus")
	dir := fs.String("dir", "", "directory the cases are written to")
	ours := fs.String("ours", "", "findings of pipeline scan --format jsonl")
	gl := fs.String("gitleaks", "", "gitleaks JSON report")
	golden := fs.Bool("golden", false, "print the project scanner's counts as golden text")
	name := fs.String("name", "", "corpus name for golden lines (default: the corpus file's base name)")
	if err := fs.Parse(os.Args[2:]); err != nil {
		os.Exit(2)
	}
	if *corpus == "" || *dir == "" {
		fs.Usage()
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "write":
		err = write(*corpus, *dir)
	case "tally":
		if *name == "" {
			*name = strings.TrimSuffix(filepath.Base(*corpus), ".jsonl")
		}
		err = tally(*corpus, *dir, *ours, *gl, *name, *golden)
	default:
		err = fmt.Errorf("unknown command %q (want write or tally)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "score:", err)
		os.Exit(1)
	}
}

func write(corpus, dir string) error {
	cases, err := peercorpus.Load(corpus)
	if err != nil {
		return err
	}
	_, err = peercorpus.Write(dir, cases)
	return err
}

func tally(corpus, dir, ours, gl, name string, golden bool) error {
	cases, err := peercorpus.Load(corpus)
	if err != nil {
		return err
	}
	a, err := readOurs(ours, dir)
	if err != nil {
		return err
	}
	ta := peercorpus.Score(cases, a)
	if golden {
		return peercorpus.WriteGolden(os.Stdout, name, ta)
	}
	b, err := readGitleaks(gl, dir)
	if err != nil {
		return err
	}
	tb := peercorpus.Score(cases, b)
	return peercorpus.WriteTable(os.Stdout, [2]string{"pipeline", "gitleaks"}, ta, tb, func(f string) bool { return f != "other" })
}

// rel returns p relative to dir when it lies under it.
func rel(dir, p string) string {
	if r, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

// readOurs reads `pipeline scan --format jsonl` findings by file.
func readOurs(path, dir string) (map[string][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening findings: %w", err)
	}
	defer f.Close()
	out := map[string][]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var fd struct {
			Path string `json:"path"`
			Kind string `json:"kind"`
		}
		if err := json.Unmarshal(sc.Bytes(), &fd); err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		k := rel(dir, fd.Path)
		out[k] = append(out[k], fd.Kind)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return out, nil
}

// readGitleaks reads a gitleaks JSON report by file.
func readGitleaks(path, dir string) (map[string][]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading gitleaks report: %w", err)
	}
	var fs []struct {
		File   string `json:"File"`
		RuleID string `json:"RuleID"`
	}
	if err := json.Unmarshal(b, &fs); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	out := map[string][]string{}
	for _, f := range fs {
		k := rel(dir, f.File)
		out[k] = append(out[k], f.RuleID)
	}
	return out, nil
}
