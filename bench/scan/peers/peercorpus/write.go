package peercorpus

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Name returns the file name of case i relative to the corpus directory: a
// directory per case, holding the case's own path when it has one, else a
// file named "case" with the case's extension.
func Name(i int, c Case) string {
	dir := fmt.Sprintf("%05d", i)
	if c.Path != "" {
		return filepath.Join(dir, filepath.FromSlash(strings.TrimLeft(c.Path, "/")))
	}
	name := "case"
	if c.Ext != "" {
		name += "." + c.Ext
	}
	return filepath.Join(dir, name)
}

// Write writes each case as a file under dir and returns the names, in the
// cases' order, relative to dir.
func Write(dir string, cases []Case) ([]string, error) {
	names := make([]string, len(cases))
	for i, c := range cases {
		names[i] = Name(i, c)
		p := filepath.Join(dir, names[i])
		if !strings.HasPrefix(p, filepath.Clean(dir)+string(filepath.Separator)) {
			return nil, fmt.Errorf("case %d: path %q leaves the corpus directory", i, c.Path)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, fmt.Errorf("writing case %d: %w", i, err)
		}
		if err := os.WriteFile(p, []byte(c.Text), 0o644); err != nil {
			return nil, fmt.Errorf("writing case %d: %w", i, err)
		}
	}
	return names, nil
}
