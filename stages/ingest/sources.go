package ingest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// source is one input file.
type source struct {
	abs  string // absolute path
	name string // as reported: relative to the work dir, slash-separated
	lim  limits // what reading it may cost (set from the stage's params)
}

// resolveSources expands path (a file, a directory or a glob, relative to
// workDir) into the files to read, sorted by name. Hidden files inside a
// directory are skipped.
func resolveSources(workDir, path string) ([]source, error) {
	p := path
	if !filepath.IsAbs(p) {
		p = filepath.Join(workDir, p)
	}
	var files []string
	if strings.ContainsAny(path, "*?[") {
		m, err := filepath.Glob(p)
		if err != nil {
			return nil, fmt.Errorf("with.path: bad glob %q: %w", path, err)
		}
		for _, f := range m {
			if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() {
				files = append(files, f)
			}
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("with.path: %q matches no file", path)
		}
	} else {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("with.path: %w", err)
		}
		if st.IsDir() {
			err := filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if f != p && strings.HasPrefix(d.Name(), ".") {
					if d.IsDir() {
						return filepath.SkipDir
					}
					return nil
				}
				if d.Type().IsRegular() {
					files = append(files, f)
				}
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("with.path: listing %s: %w", path, err)
			}
			if len(files) == 0 {
				return nil, fmt.Errorf("with.path: directory %q holds no file", path)
			}
		} else {
			files = []string{p}
		}
	}
	sort.Strings(files)
	out := make([]source, len(files))
	for i, f := range files {
		out[i] = source{abs: f, name: displayName(workDir, f)}
	}
	return out, nil
}

// displayName is f relative to workDir when it lies inside it, so that
// outputs do not depend on where the workspace is.
func displayName(workDir, f string) string {
	if rel, err := filepath.Rel(workDir, f); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(f)
}

// formatOf infers a format from a file name (after a .gz or .zst suffix).
func formatOf(name string) string {
	n := strings.ToLower(name)
	n = strings.TrimSuffix(strings.TrimSuffix(n, ".gz"), ".zst")
	switch filepath.Ext(n) {
	case ".jsonl", ".ndjson", ".json":
		return formatJSONL
	case ".csv":
		return formatCSV
	case ".tsv", ".tab":
		return formatTSV
	case ".parquet", ".pq":
		return formatParquet
	case ".txt", ".text", ".md":
		return formatText
	}
	return ""
}

// resolveFormat settles the format: the given one, or the one every file's
// name implies.
func resolveFormat(given string, srcs []source) (string, error) {
	if given != "" {
		return given, nil
	}
	f := ""
	for _, s := range srcs {
		g := formatOf(s.name)
		if g == "" {
			return "", fmt.Errorf("with.format: cannot tell the format of %s from its name; set format", s.name)
		}
		if f != "" && g != f {
			return "", fmt.Errorf("with.format: files of several formats (%s is %s, others %s); set format or narrow path", s.name, g, f)
		}
		f = g
	}
	return f, nil
}

// inputSources expands path inside an upstream output: the output itself
// when it is one file (named after the port, so that rows do not depend on
// where the store is), else the files under it that path selects, named
// relative to it.
func inputSources(in, path string) ([]source, error) {
	st, err := os.Stat(in)
	if err != nil {
		return nil, fmt.Errorf("input `%s`: %w", PortSource, err)
	}
	if !st.IsDir() {
		if path != "." {
			return nil, fmt.Errorf("with.path: the `%s` input is one file, so path %q cannot select inside it", PortSource, path)
		}
		return []source{{abs: in, name: PortSource}}, nil
	}
	srcs, err := resolveSources(in, path)
	if err != nil {
		return nil, fmt.Errorf("in the `%s` input: %w", PortSource, err)
	}
	return srcs, nil
}
